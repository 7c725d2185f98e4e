// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the BPF counting logic with BPF_PROG_TEST_RUN: the real
 * program, loaded in the real kernel, fed synthetic syscall ids.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collector.h"
#include "syscall_counter.skel.h"
#include "prog_run.h"

int passed, failed;

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

/*
 * Runs @prog_fd on @args as a 32-bit task would: bpf(BPF_PROG_TEST_RUN) through int $0x80
 * (i386 number 357), so the kernel marks the call TS_COMPAT while the program runs. The
 * attribute block must be addressable with 32 bits: it lives in a MAP_32BIT page.
 */
static int run_compat(int prog_fd, const __u64 *args, size_t size)
{
#if defined(__x86_64__)
	static union bpf_attr *attr;
	long ret = 357;

	if (!attr) {
		attr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (attr == MAP_FAILED)
			return -errno;
	}
	memset(attr, 0, sizeof(*attr));
	memcpy((char *)attr + 2048, args, size);
	attr->test.prog_fd = prog_fd;
	attr->test.ctx_in = (__u64)(unsigned long)((char *)attr + 2048);
	attr->test.ctx_size_in = size;
	asm volatile("int $0x80"
		     : "+a"(ret)
		     : "b"(BPF_PROG_TEST_RUN), "c"(attr), "d"(sizeof(*attr))
		     : "memory");
	return ret;
#else
	return -ENOSYS;
#endif
}

/* Whether this kernel runs 32-bit calls (ia32 emulation built in and not disabled at boot). */
static bool ia32_runs(void)
{
#if defined(__x86_64__)
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		long ret = 20; /* i386 getpid */

		asm volatile("int $0x80" : "+a"(ret) : : "memory");
		_exit(ret == getpid() ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
#else
	return false;
#endif
}

/* Helper calls left in a loaded program after the verifier's inlining. */
static int helper_calls(int prog_fd)
{
	struct bpf_insn insns[4096];
	struct bpf_prog_info info = { .xlated_prog_len = sizeof(insns),
				      .xlated_prog_insns = (unsigned long)insns };
	__u32 len = sizeof(info), n = 0;

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) || info.xlated_prog_len > sizeof(insns))
		return -1;
	for (__u32 i = 0; i < info.xlated_prog_len / sizeof(insns[0]); i++)
		n += insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg == 0;
	return n;
}

/*
 * The default program on a kernel that cannot run 32-bit tasks (the configuration says
 * so): no helper call at all, the 32-bit check compiled away. Where it can, one call (the
 * task, for the check), and a 32-bit call is counted apart under its i386 number.
 */
static void test_compat_paths(void)
{
	__u64 args[2] = { 0, 20 }; /* 20: getpid on i386, writev on x86_64 */
	struct collector c;
	static struct snapshot snap;
	struct collector_opts o = { .mode = MAP_PERCPU, .no_attach = true };
	int err;

	o.kconfig = "CONFIG_IA32_EMULATION=n\n";
	err = collector_open(&c, &o);
	CHECK(!err && helper_calls(c.prog_fd) == 0,
	      "no ia32 emulation: the default program makes no helper call (%d)",
	      err ? err : helper_calls(c.prog_fd));
	collector_close(&c);

	if (!ia32_runs()) {
		printf("skip - this kernel runs no 32-bit calls\n");
		return;
	}
	o.kconfig = NULL;
	err = collector_open(&c, &o);
	CHECK(!err && helper_calls(c.prog_fd) == 1,
	      "ia32 emulation: the default program makes one helper call, for the task");
	if (err)
		goto out;
	for (int i = 0; i < 3; i++)
		run_id(c.prog_fd, 20, -1);
	for (int i = 0; i < 5; i++)
		err |= run_compat(c.prog_fd, args, sizeof(args));
	err |= collector_read(&c, &snap);
	CHECK(!err && snap.slots[20] == 3 && snap.compat[20] == 5,
	      "3 native calls 20 count as writev, 5 32-bit ones apart as i386 getpid (%llu, %llu)",
	      snap.slots[20], snap.compat[20]);
out:
	collector_close(&c);
}

/* A filter on a field of the calling task: the matching value counts, another does not. */
static void check_task_filter(const char *what, struct collector_opts *match,
			      struct collector_opts *other)
{
	struct collector c;
	static struct snapshot snap;
	__u64 counted[2] = { ~0ULL, ~0ULL };
	struct collector_opts *o[2] = { match, other };

	for (int i = 0; i < 2; i++) {
		o[i]->mode = MAP_PERCPU;
		o[i]->no_attach = true;
		if (collector_open(&c, o[i]) == 0) {
			for (int k = 0; k < 7; k++)
				run_id(c.prog_fd, 39, -1);
			if (!collector_read(&c, &snap))
				counted[i] = snap.slots[39];
		}
		collector_close(&c);
	}
	CHECK(counted[0] == 7 && counted[1] == 0,
	      "%s: 7 calls of the matching task count, none of another", what);
}

/* The filters read the task's fields directly; each must match what the helpers returned. */
static void test_task_filters(void)
{
	static const __u8 getpid_only[SLOT_BITMAP_BYTES] = { [39 / 8] = 1 << (39 % 8) };
	static const __u8 read_only[SLOT_BITMAP_BYTES] = { [0] = 1 };
	char comm[16] = {};

	prctl(PR_GET_NAME, comm);
	check_task_filter("-p", &(struct collector_opts){ .targ_tgid = getpid() },
			  &(struct collector_opts){ .targ_tgid = getpid() + 1 });
	check_task_filter("-t", &(struct collector_opts){ .targ_tid = gettid() },
			  &(struct collector_opts){ .targ_tid = gettid() + 1 });
	check_task_filter("--uid", &(struct collector_opts){ .filter_uid = true, .uid = getuid() },
			  &(struct collector_opts){ .filter_uid = true, .uid = getuid() + 1 });
	check_task_filter("--comm", &(struct collector_opts){ .comm = comm },
			  &(struct collector_opts){ .comm = "no-such-name" });
	check_task_filter("--comm (a name that only starts alike)",
			  &(struct collector_opts){ .comm = comm },
			  &(struct collector_opts){ .comm = "test_prog" });
	check_task_filter("--syscall", &(struct collector_opts){ .syscall_bits = getpid_only },
			  &(struct collector_opts){ .syscall_bits = read_only });
}

static int run_prog(struct bpf_program *prog, __u64 arg0, __u64 arg1)
{
	__u64 args[2] = { arg0, arg1 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
}

static __u64 timed(const struct latency *lat, int slot)
{
	__u64 n = 0;

	for (int b = 0; b < LAT_BUCKETS; b++)
		n += lat->hist[slot][b];
	return n;
}

/*
 * --latency: the counting program stamps the entry in task-local storage, sys_exit times it
 * once, a thread exiting inside a call counts it unreturned; a filtered-out or 32-bit call
 * is not timed.
 */
static void test_latency(void)
{
	static const __u8 no_getppid[SLOT_BITMAP_BYTES] = { [39 / 8] = 1 << (39 % 8) };
	struct collector_opts o = {
		.mode = MAP_PERCPU, .latency = true, .no_attach = true, .syscall_bits = no_getppid
	};
	static struct latency lat;
	static struct snapshot snap;
	__u64 counts[NR_SLOTS], args[2] = { 0, 39 };
	struct bpf_program *exit_prog, *thread_exit;
	struct collector c;
	int err;

	err = collector_open(&c, &o);
	CHECK(!err, "--latency: programs load (%s)", strerror(-err));
	if (err)
		goto out;
	exit_prog = c.skel->progs.lat_exit;
	thread_exit = c.skel->progs.lat_thread_exit;
	for (int i = 0; i < 4; i++) { /* 4 calls, each entered and returned */
		run_id(c.prog_fd, 39, -1);
		run_prog(exit_prog, 0, 0);
	}
	run_prog(exit_prog, 0, 0); /* a return without a timed entry: not timed */
	run_id(c.prog_fd, 39, -1); /* entered twice (the first never returned): timed once */
	run_id(c.prog_fd, 39, -1);
	run_prog(exit_prog, 0, 0);
	run_id(c.prog_fd, 110, -1); /* getppid: filtered out by --syscall, not timed */
	run_prog(exit_prog, 0, 0);
	if (ia32_runs()) { /* 32-bit: counted apart, not timed */
		run_compat(c.prog_fd, args, sizeof(args));
		run_prog(exit_prog, 0, 0);
	}
	run_id(c.prog_fd, 39, -1); /* the thread exits inside the call */
	run_prog(thread_exit, 0, 0);
	run_prog(exit_prog, 0, 0);
	err = collector_read(&c, &snap);
	for (int s = 0; s < NR_SLOTS; s++)
		counts[s] = s == 39 || s == 110 ? 1 : 0;
	err = err ?: collector_read_latency(&c, counts, &lat);
	CHECK(!err && snap.slots[39] == 7 && snap.slots[110] == 0,
	      "--latency: 7 calls counted (%llu)", snap.slots[39]);
	CHECK(!err && timed(&lat, 39) == 5 && lat.total_ns[39] > 0 && timed(&lat, 110) == 0,
	      "--latency: 5 timed, each once (%llu)", timed(&lat, 39));
	CHECK(!err && lat.unreturned[39] == 1, "--latency: 1 unreturned (%llu)",
	      lat.unreturned[39]);
out:
	collector_close(&c);
}

/* --errors and -x: a success costs one compare and counts nothing; a failure counts once. */
static void test_failures(void)
{
	struct collector_opts o = { .mode = MAP_PERCPU, .errors = true, .no_attach = true };
	struct errno_count *rows = NULL;
	static __u64 fails[NR_SLOTS];
	struct collector c;
	size_t n = 0;
	int err;

	err = collector_open(&c, &o);
	if (!err) {
		/* No pt_regs in a test run: the id reads as 0, the slot of read. */
		for (int i = 0; i < 3; i++)
			run_prog(c.skel->progs.count_errors, 0, 0);
		for (int i = 0; i < 2; i++)
			run_prog(c.skel->progs.count_errors, 0, (__u64)-ENOENT);
		run_prog(c.skel->progs.count_errors, 0, (__u64)-4096); /* not an errno */
		err = collector_read_errors(&c, fails, &rows, &n);
	}
	CHECK(!err && fails[0] == 2 && n == 1 && rows[0].err == ENOENT && rows[0].count == 2,
	      "--errors: 2 failures with ENOENT counted, 3 successes and a non-errno not");
	free(rows);
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
	test_compat_paths();
	test_task_filters();
	test_latency();
	test_failures();
	test_paths();
	test_key_cache();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
