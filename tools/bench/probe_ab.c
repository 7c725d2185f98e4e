// SPDX-License-Identifier: GPL-2.0
/*
 * Same-run A/B of the probe's cost per mode: loads the agent's own BPF object through
 * collector_open() (the agent's loader, so the programs are exactly the agent's), attaches
 * it, makes getppid calls on 1..T threads, detaches, and rotates through the modes for R
 * rounds. Per call it reports the thread CPU time added over no tracer, and the ratio to the
 * empty program's added cost (the floor), as medians over the rounds. In-process: no agent
 * start-up, no output, so a round takes milliseconds and load on a shared machine hits every
 * mode alike. probe-cost.mjs measures the real agent and the peers; this one resolves the
 * few nanoseconds between the agent's own modes.
 *
 *   probe_ab [-r ROUNDS] [-n CALLS] [-t THREADS] [-m MODE,...] [-q]   (run as root)
 */
#define _GNU_SOURCE
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

#define MAX_ROUNDS 101

static const __u8 read_only[SLOT_BITMAP_BYTES] = { [0] = 1 };
static char empty_cgroup[128];

struct mode {
	const char *name;
	struct collector_opts o;
	double ns[MAX_ROUNDS];
};

static struct mode modes[] = {
	{ "none" },
	{ "floor", { .mode = MAP_EMPTY } },
	{ "default", { .mode = MAP_PERCPU, .excl_tgid = 1 } },
	{ "P", { .per_process = true, .excl_tgid = 1 } },
	{ "C", { .per_cgroup = true, .excl_tgid = 1 } },
	{ "errors", { .errors = true, .excl_tgid = 1 } },
	{ "latency", { .latency = true, .excl_tgid = 1 } },
	{ "p1-out", { .targ_tgid = 1, .excl_tgid = 1 } },
	{ "syscall-out", { .syscall_bits = read_only, .excl_tgid = 1 } },
	{ "cgroup-out", { .cgroup = empty_cgroup, .excl_tgid = 1 } },
	{ "uid-out", { .filter_uid = true, .uid = 65534, .excl_tgid = 1 } },
	{ "comm-out", { .comm = "nomatch", .excl_tgid = 1 } },
	{ "comm-in", { .comm = "probe_ab", .excl_tgid = 1 } },
};
#define NR_MODES (sizeof(modes) / sizeof(modes[0]))

static long calls = 200000;

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

/* The median, or with -q the lower quartile: others' load only ever adds time. */
static bool quartile;

static double median(double *xs, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, xs, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	if (quartile)
		return s[n / 4];
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static bool chosen(const char *list, const char *name)
{
	char buf[256], *tok, *save;

	if (!list || !strcmp(name, "none") || !strcmp(name, "floor"))
		return true;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	int rounds = 15, threads = 1, opt, err = 0;
	const char *only = NULL;
	struct collector c;

	while ((opt = getopt(argc, argv, "r:n:t:m:q")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'n')
			calls = atol(optarg);
		else if (opt == 't')
			threads = atoi(optarg);
		else if (opt == 'm')
			only = optarg;
		else if (opt == 'q')
			quartile = true;
		else
			return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || threads < 1 || threads > 16)
		return 2;
	libbpf_set_print(quiet);
	snprintf(empty_cgroup, sizeof(empty_cgroup), "/sys/fs/cgroup/unified/probe-ab-empty-%d",
		 getpid());
	mkdir(empty_cgroup, 0755);
	for (int r = 0; r < rounds && !err; r++) {
		for (unsigned k = 0; k < NR_MODES && !err; k++) {
			struct mode *m = &modes[(k + r) % NR_MODES];

			if (!chosen(only, m->name))
				continue;
			m->o.excl_tgid = m->o.excl_tgid ? getpid() + 1 :
							  0; /* another: as the agent */
			if (strcmp(m->name, "none") && (err = collector_open(&c, &m->o))) {
				fprintf(stderr, "%s: %s\n", m->name, strerror(-err));
				break;
			}
			m->ns[r] = run_storm(threads);
			if (strcmp(m->name, "none"))
				collector_close(&c);
		}
	}
	rmdir(empty_cgroup);
	if (err)
		return 1;
	double base = median(modes[0].ns, rounds), floor = median(modes[1].ns, rounds) - base;

	printf("%d thread(s), %ld calls, %s of %d rounds; added ns over no tracer, / floor\n",
	       threads, calls, quartile ? "lower quartile" : "median", rounds);
	for (unsigned k = 0; k < NR_MODES; k++) {
		double added = median(modes[k].ns, rounds) - base;

		if (chosen(only, modes[k].name))
			printf("%-12s %7.1f %7.1f %5.2f\n", modes[k].name,
			       median(modes[k].ns, rounds), added, added / floor);
	}
	return 0;
}
