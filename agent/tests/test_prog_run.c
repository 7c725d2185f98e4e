// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the BPF counting logic with BPF_PROG_TEST_RUN: the real
 * program, loaded in the real kernel, fed synthetic syscall ids.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collector.h"

static int passed, failed;

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

static int run_id(int prog_fd, long id, int cpu)
{
	__u64 args[2] = { 0, (__u64)id };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args),
		    .flags = cpu >= 0 ? BPF_F_TEST_RUN_ON_CPU : 0, .cpu = cpu >= 0 ? cpu : 0, );

	return bpf_prog_test_run_opts(prog_fd, &opts);
}

static int open_loaded(struct collector *c, enum map_mode mode, pid_t tgid)
{
	struct collector_opts o = { .mode = mode, .targ_tgid = tgid, .no_attach = true };

	return collector_open(c, &o);
}

static void test_ids(enum map_mode mode)
{
	static const struct {
		long id;
		int slot;
	} cases[] = {
		{ 0, 0 },
		{ 470, 470 }, /* the last id the table knows: listns */
		{ 999, 999 }, /* unknown to the table, still its own slot */
		{ 1023, 1023 },
		{ -1, SLOT_NEG1 },
		{ 1024, SLOT_OTHER },
		{ -2, SLOT_OTHER },
		{ 1L << 40, SLOT_OTHER },
		{ 0x40000000L | 1, 1 }, /* x32 write: the x32 bit set, counted as write */
	};
	struct collector c;
	static struct snapshot snap;
	__u64 expect[NR_SLOTS] = {};
	int err, ok = 1;

	err = open_loaded(&c, mode, 0);
	CHECK(!err, "%s: program loads (%s)", map_mode_name(mode), strerror(-err));
	if (err)
		goto out;
	/* Each id a different number of times, so a mix-up of slots shows. */
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (unsigned k = 0; k <= i; k++) {
			if (run_id(c.prog_fd, cases[i].id, -1))
				ok = 0;
		}
		expect[cases[i].slot] += i + 1;
	}
	CHECK(ok, "%s: test runs succeed", map_mode_name(mode));
	err = collector_read(&c, &snap);
	CHECK(!err, "%s: counts read", map_mode_name(mode));
	for (int s = 0; s < NR_SLOTS; s++) {
		if (snap.slots[s] != expect[s]) {
			CHECK(0, "%s: slot %d counted %llu, expected %llu", map_mode_name(mode), s,
			      snap.slots[s], expect[s]);
			goto out;
		}
	}
	CHECK(1,
	      "%s: ids 0, 470, 999, 1023, -1, 1024, -2, 2^40, x32 land in the right slots exactly",
	      map_mode_name(mode));
out:
	collector_close(&c);
}

static void test_pid_filter(enum map_mode mode)
{
	struct collector c;
	static struct snapshot snap;
	int err;

	err = open_loaded(&c, mode, getpid() + 1);
	if (!err) {
		run_id(c.prog_fd, 39, -1);
		err = collector_read(&c, &snap);
	}
	CHECK(!err && snap.slots[39] == 0, "%s: -p filter drops another process's call",
	      map_mode_name(mode));
	collector_close(&c);

	err = open_loaded(&c, mode, getpid());
	if (!err) {
		run_id(c.prog_fd, 39, -1);
		err = collector_read(&c, &snap);
	}
	CHECK(!err && snap.slots[39] == 1, "%s: -p filter keeps its own process's call",
	      map_mode_name(mode));
	collector_close(&c);
}

struct racer {
	int prog_fd;
	int cpu;
	pthread_barrier_t *barrier;
	int errors;
};

static void *race_fn(void *arg)
{
	struct racer *r = arg;

	for (int slot = 0; slot <= MAX_SYSCALL_ID; slot++) {
		pthread_barrier_wait(r->barrier);
		if (run_id(r->prog_fd, slot, r->cpu))
			r->errors++;
	}
	return NULL;
}

/* Two CPUs race the first insert of every slot: none of the 2 counts may be lost. */
static void test_first_insert_race(enum map_mode mode)
{
	struct collector c;
	static struct snapshot snap;
	pthread_barrier_t barrier;
	struct racer r[2];
	pthread_t t[2];
	int err, lost = 0;

	if (libbpf_num_possible_cpus() < 2 || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("skip - %s: first-insert race needs two CPUs\n", map_mode_name(mode));
		return;
	}
	err = open_loaded(&c, mode, 0);
	if (err) {
		CHECK(0, "%s: program loads", map_mode_name(mode));
		return;
	}
	pthread_barrier_init(&barrier, NULL, 2);
	for (int i = 0; i < 2; i++) {
		r[i] = (struct racer){ .prog_fd = c.prog_fd, .cpu = i, .barrier = &barrier };
		pthread_create(&t[i], NULL, race_fn, &r[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	err = collector_read(&c, &snap);
	for (int s = 0; s <= MAX_SYSCALL_ID; s++)
		lost += snap.slots[s] != 2;
	CHECK(!err && !r[0].errors && !r[1].errors && !lost,
	      "%s: two CPUs racing the first insert of 1024 slots lose no count (%d slots short)",
	      map_mode_name(mode), lost);
	collector_close(&c);
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(void)
{
	static const enum map_mode modes[] = { MAP_PERCPU, MAP_HASH, MAP_PERCPU_HASH };

	libbpf_set_print(quiet);
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		test_ids(modes[i]);
		test_pid_filter(modes[i]);
		test_first_insert_race(modes[i]);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
