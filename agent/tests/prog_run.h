/* SPDX-License-Identifier: GPL-2.0 */
/* What the BPF_PROG_TEST_RUN test files share: the tally and one synthetic sys_enter run. */
#ifndef __PROG_RUN_H
#define __PROG_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

extern int passed, failed;

#define CHECK(cond, fmt, ...)                                                                  \
	do {                                                                                   \
		if (cond) {                                                                    \
			passed++;                                                              \
			printf("ok - " fmt "\n", ##__VA_ARGS__);                               \
		} else {                                                                       \
			failed++;                                                              \
			printf("FAIL - " fmt " (%s:%d)\n", ##__VA_ARGS__, __FILE__, __LINE__); \
		}                                                                              \
	} while (0)

/* Runs a sys_enter program on syscall @id, on CPU @cpu (-1: this one). */
static inline int run_id(int prog_fd, long id, int cpu)
{
	__u64 args[2] = { 0, (__u64)id };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args),
		    .flags = cpu >= 0 ? BPF_F_TEST_RUN_ON_CPU : 0, .cpu = cpu >= 0 ? cpu : 0, );

	return bpf_prog_test_run_opts(prog_fd, &opts);
}

struct collector;
struct snapshot;

/* The tests of test_prog_paths.c: filter word, per-CPU hashes, cgroup filter. */
void test_paths(void);
/* The tests of test_key_cache.c: the cache in front of the -P and -C hashes. */
void test_key_cache(void);

/* From test_prog_paths.c: runs on two CPUs, pinned runs, and -P/-C totals of slot 39. */
bool two_cpus(void);
int run_pinned(int prog_fd, long id, int cpu);
void unpin(void);
int read_keyed(struct collector *c, struct snapshot *snap, size_t *rows, __u64 *unattr);

#endif /* __PROG_RUN_H */
