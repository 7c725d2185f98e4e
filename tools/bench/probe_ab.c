// SPDX-License-Identifier: GPL-2.0
/*
 * Same-run A/B of the probe's cost per mode: loads the agent's own BPF object through
 * collector_open() (the agent's loader, so the programs are exactly the agent's), attaches
 * it, makes getppid calls on T threads, detaches, and rotates through the modes for R rounds.
 * Per call it reports the thread CPU time added over no tracer, and the ratio to the empty
 * program's added cost (the floor), each taken within a round and then the median over the
 * rounds: pairing within a round cancels the slow swings of a shared machine's speed.
 * In-process: no agent start-up and no output, so a round takes a fraction of a second.
 * probe-cost.mjs measures the real agent and the peers; this resolves the few nanoseconds
 * between the agent's own modes, and with -b the same modes of another build side by side.
 *
 *   probe_ab [-r ROUNDS] [-n CALLS] [-t THREADS] [-m MODE,...] [-b OLD.so]   (as root)
 *
 * OLD.so: collector.c, collector_read.c, procs.c, topk.c (and their skeleton) of another
 * commit built with -shared -fPIC -Wl,-Bsymbolic; its modes are reported as "old".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>
#include "collector.h"
#include "syscall_counter.skel.h"

#define MAX_ROUNDS 101

static const __u8 read_only[SLOT_BITMAP_BYTES] = { [0] = 1 };
static char empty_cgroup[512];

struct mode {
	const char *name;
	struct collector_opts o;
	bool two_empty; /* scratch: the empty program on sys_enter and on sys_exit (this build) */
	bool clock2;	/* scratch: a program reading the clock on both (this build) */
	double ns[2][MAX_ROUNDS]; /* [this build, the other one] */
};

static struct mode modes[] = {
	{ .name = "none" },
	{ .name = "floor", .o = { .mode = MAP_EMPTY } },
	/* What every mode with a sys_exit program (--errors, --latency, -x) starts from. */
	{ .name = "floor2", .o = { .mode = MAP_EMPTY, .no_attach = true }, .two_empty = true },
	/* The default program in parts: the counter alone (no 32-bit check: configured off), */
	{ .name = "bare", .o = { .mode = MAP_PERCPU, .kconfig = "CONFIG_IA32_EMULATION=n\n" } },
	/* then with the task and its 32-bit check, then leaving the agent out as it does. */
	{ .name = "ia32", .o = { .mode = MAP_PERCPU } },
	{ .name = "default", .o = { .mode = MAP_PERCPU, .excl_tgid = 1 } },
	{ .name = "P", .o = { .per_process = true, .excl_tgid = 1 } },
	{ .name = "C", .o = { .per_cgroup = true, .excl_tgid = 1 } },
	/* -P and -C in parts: without the key cache in front of their hash. */
	{ .name = "P-hash", .o = { .per_process = true, .excl_tgid = 1, .key_cache = -1 } },
	{ .name = "C-hash", .o = { .per_cgroup = true, .excl_tgid = 1, .key_cache = -1 } },
	{ .name = "errors", .o = { .errors = true, .excl_tgid = 1 } },
	/* What --latency cannot go below: two programs, each reading the clock once. */
	{ .name = "clock2", .clock2 = true },
	{ .name = "latency", .o = { .latency = true, .excl_tgid = 1 } },
	{ .name = "p1-out", .o = { .targ_tgid = 1, .excl_tgid = 1 } },
	{ .name = "syscall-out", .o = { .syscall_bits = read_only, .excl_tgid = 1 } },
	{ .name = "cgroup-out", .o = { .cgroup = empty_cgroup, .excl_tgid = 1 } },
	{ .name = "uid-out", .o = { .filter_uid = true, .uid = 65534, .excl_tgid = 1 } },
	{ .name = "comm-out", .o = { .comm = "nomatch", .excl_tgid = 1 } },
	{ .name = "comm-in", .o = { .comm = "probe_ab", .excl_tgid = 1 } },
};
#define NR_MODES (sizeof(modes) / sizeof(modes[0]))

/* A loader: this build's, or another's from -b. */
struct impl {
	const char *name;
	int (*open)(struct collector *c, const struct collector_opts *o);
	void (*close)(struct collector *c);
};

static struct impl impls[2] = { { "", collector_open, collector_close } };
static int nimpls = 1;
static long calls = 200000;
static const char *only; /* -m: the modes to run (the reference modes always run); NULL: all */

static double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* CPU time per call of one thread's storm. */
static void *storm(void *arg)
{
	double *ns = arg, t0 = thread_ns();

	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	*ns = (thread_ns() - t0) / calls;
	return NULL;
}

/* The mean CPU time per call over @threads threads. */
static double run_storm(int threads)
{
	pthread_t t[16];
	double ns[16], sum = 0;

	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, storm, &ns[i]);
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		sum += ns[i];
	}
	return sum / threads;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *xs, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, xs, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static bool chosen(const char *name)
{
	char buf[256], *tok, *save;

	if (!only || !strcmp(name, "none") || !strcmp(name, "floor"))
		return true;
	snprintf(buf, sizeof(buf), "%s", only);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

/* Per mode and build: the medians over the rounds of the round's figures. */
static void report(int threads, int rounds)
{
	double added[MAX_ROUNDS], ratio[MAX_ROUNDS];
	char load[64] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f && fscanf(f, "%63[0-9. ]", load) != 1)
		strcpy(load, "?");
	if (f)
		fclose(f);
	printf("%d thread(s), %ld calls, median of %d rounds, load average %.14s\n", threads, calls,
	       rounds, load);
	printf("mode             ns/call   added / floor\n");
	for (unsigned k = 0; k < NR_MODES; k++) {
		for (int i = 0; i < nimpls && chosen(modes[k].name) && modes[k].ns[i][0]; i++) {
			double *ns = modes[k].ns[i], *none = modes[0].ns[i],
			       *floor = modes[1].ns[i];

			for (int r = 0; r < rounds; r++) {
				added[r] = ns[r] - none[r];
				ratio[r] = added[r] / (floor[r] - none[r]);
			}
			printf("%4s%-12s %7.1f %7.1f %5.2f\n", impls[i].name, modes[k].name,
			       median(ns, rounds), median(added, rounds),
			       k ? median(ratio, rounds) : 0);
		}
	}
}

/* -b: the other build's loader, its own libbpf skeleton inside. */
static int load_other(const char *path)
{
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
	impls[1] = (struct impl){ "old ", dlsym(lib, "collector_open"),
				  dlsym(lib, "collector_close") };
	nimpls = impls[1].open && impls[1].close ? 2 : 1;
	return nimpls == 2 ? 0 : -1;
}

/* An empty cgroup v2 for the --cgroup filter's filtered-out cost. */
static void make_empty_cgroup(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024], dir[256] = "/sys/fs/cgroup";

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " - cgroup2 "))
			sscanf(line, "%*s %*s %*s %*s %255s", dir);
	if (f)
		fclose(f);
	snprintf(empty_cgroup, sizeof(empty_cgroup), "%s/probe-ab-empty-%d", dir, getpid());
	mkdir(empty_cgroup, 0755);
}

/* The scratch mode two_empty: the floor's program attached to both tracepoints. */
static int attach_two_empty(struct collector *c)
{
	static const char *const tps[] = { "sys_enter", "sys_exit" };

	for (int i = 0; i < 2; i++) {
		c->links[i] =
			bpf_program__attach_raw_tracepoint(c->skel->progs.count_empty, tps[i]);
		if (!c->links[i])
			return -errno;
		c->nr_links++;
	}
	return 0;
}

/* The scratch mode clock2: bench_clock alone, attached to both tracepoints. */
static int open_clock2(struct collector *c)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .kconfig = "CONFIG_IA32_EMULATION=n\n");
	static const char *const tps[] = { "sys_enter", "sys_exit" };
	struct bpf_program *prog;
	int err;

	memset(c, 0, sizeof(*c));
	c->skel = syscall_counter_bpf__open_opts(&oo);
	if (!c->skel)
		return -errno;
	bpf_object__for_each_program(prog, c->skel->obj)
		bpf_program__set_autoload(prog, prog == c->skel->progs.bench_clock);
	err = syscall_counter_bpf__load(c->skel);
	for (int i = 0; !err && i < 2; i++) {
		c->links[i] =
			bpf_program__attach_raw_tracepoint(c->skel->progs.bench_clock, tps[i]);
		err = c->links[i] ? 0 : -errno;
		c->nr_links += !err;
	}
	return err;
}

/* One storm under mode @m of build @i. */
static int sample(struct mode *m, int i, int threads, int r)
{
	static char buf[1 << 20]; /* room for either build's struct collector */
	struct collector *c = (struct collector *)buf;
	bool traced = strcmp(m->name, "none");
	int err;

	if ((m->two_empty || m->clock2) && i)
		return 0;
	if (m->clock2)
		err = open_clock2(c);
	else
		err = traced ? impls[i].open(c, &m->o) : 0;
	if (!err && m->two_empty)
		err = attach_two_empty(c);
	if (err) {
		fprintf(stderr, "%s%s: %s\n", impls[i].name, m->name, strerror(-err));
		return err;
	}
	m->ns[i][r] = run_storm(threads);
	if (traced)
		impls[i].close(c);
	return 0;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	int rounds = 15, threads = 1, opt, err = 0;

	while ((opt = getopt(argc, argv, "r:n:t:m:b:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'n')
			calls = atol(optarg);
		else if (opt == 't')
			threads = atoi(optarg);
		else if (opt == 'm')
			only = optarg;
		else if (opt != 'b' || load_other(optarg))
			return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || threads < 1 || threads > 16)
		return 2;
	libbpf_set_print(quiet);
	make_empty_cgroup();
	for (unsigned k = 0; k < NR_MODES; k++)
		if (modes[k].o.excl_tgid) /* another process's, as in the agent */
			modes[k].o.excl_tgid = getpid() + 1;
	/* Each round in another order, the two builds of a mode back to back. */
	for (int r = 0; r < rounds && !err; r++)
		for (unsigned k = 0; k < NR_MODES * nimpls && !err; k++) {
			struct mode *m = &modes[(k / nimpls + r) % NR_MODES];

			if (chosen(m->name))
				err = sample(m, (k + r) % nimpls, threads, r);
		}
	rmdir(empty_cgroup);
	if (err)
		return 1;
	report(threads, rounds);
	return 0;
}
