// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN tests of the probe's cheap paths (issue 14): the one filters word, the
 * per-CPU hashes of -P and -C (two CPUs, a full map), the --cgroup filter read from the task.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "collector.h"
#include "syscall_counter.skel.h"
#include "prog_run.h"

bool two_cpus(void)
{
	return libbpf_num_possible_cpus() >= 2 && sysconf(_SC_NPROCESSORS_ONLN) >= 2;
}

/*
 * Runs a sys_enter program as this thread on CPU @cpu: pinned there, not through
 * BPF_F_TEST_RUN_ON_CPU, which runs it in whatever task that CPU is running.
 */
int run_pinned(int prog_fd, long id, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return run_id(prog_fd, id, -1);
}

/* Lets this thread run on every CPU again. */
void unpin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int cpu = 0; cpu < CPU_SETSIZE && cpu < libbpf_num_possible_cpus(); cpu++)
		CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Calls of getpid (39) the default program counts after @n runs under @o; ~0 if it fails. */
static __u64 counted(struct collector_opts o, int n)
{
	static struct snapshot snap;
	struct collector c;
	__u64 got = ~0ULL;

	o.no_attach = true;
	if (collector_open(&c, &o) == 0) {
		for (int k = 0; k < n; k++)
			run_id(c.prog_fd, 39, -1);
		if (!collector_read(&c, &snap))
			got = snap.slots[39];
	}
	collector_close(&c);
	return got;
}

/* References to the read-only data map in a loaded program (the verifier's dump names maps). */
static int rodata_refs(struct collector *c)
{
	struct bpf_insn insns[4096];
	struct bpf_prog_info info = { .xlated_prog_len = sizeof(insns),
				      .xlated_prog_insns = (unsigned long)insns };
	struct bpf_map_info map = {};
	__u32 len = sizeof(info), mlen = sizeof(map), n = 0;

	if (bpf_obj_get_info_by_fd(c->prog_fd, &info, &len) ||
	    info.xlated_prog_len > sizeof(insns) ||
	    bpf_obj_get_info_by_fd(bpf_map__fd(c->skel->maps.rodata), &map, &mlen))
		return -1;
	for (__u32 i = 0; i < info.xlated_prog_len / sizeof(insns[0]); i++)
		n += insns[i].code == (BPF_LD | BPF_DW | BPF_IMM) &&
		     insns[i].src_reg == BPF_PSEUDO_MAP_VALUE && (__u32)insns[i].imm == map.id;
	return n;
}

/* Filters combine (all must hold); the agent leaves itself out; no filter reads one word. */
static void test_filter_word(void)
{
	static const __u8 getpid_only[SLOT_BITMAP_BYTES] = { [39 / 8] = 1 << (39 % 8) };
	struct collector_opts plain = { .mode = MAP_PERCPU,
					.no_attach = true,
					.kconfig = "CONFIG_IA32_EMULATION=n\n" };
	char comm[16] = {};
	struct collector c;
	int refs = -1;

	prctl(PR_GET_NAME, comm);
	if (!collector_open(&c, &plain))
		refs = rodata_refs(&c);
	collector_close(&c);
	CHECK(refs == 1, "no filter: the default program reads one word of rodata (%d)", refs);
	CHECK(counted((struct collector_opts){ .excl_tgid = getpid() }, 7) == 0,
	      "the agent's own calls are left out");
	CHECK(counted((struct collector_opts){ .excl_tgid = getpid() + 1 }, 7) == 7,
	      "another process's calls count while the agent leaves itself out");
	CHECK(counted((struct collector_opts){ .targ_tgid = getpid(),
					       .comm = comm,
					       .filter_uid = true,
					       .uid = getuid(),
					       .syscall_bits = getpid_only,
					       .excl_tgid = 1 },
		      7) == 7,
	      "-p, --comm, --uid, --syscall together: 7 calls that pass all count 7");
	CHECK(counted((struct collector_opts){ .targ_tgid = getpid(), .comm = "other" }, 7) == 0,
	      "-p and --comm together: a call that fails one of them is left out");
}

/* Per-process or per-cgroup totals of slot 39 (per-key sums plus unattributed). */
int read_keyed(struct collector *c, struct snapshot *snap, size_t *rows, __u64 *unattr)
{
	struct proc_counts procs;
	struct cgroup_counts cgroups;
	int err;

	if (c->per_process) {
		err = collector_read_procs(c, &procs, snap);
		*rows = procs.map_entries;

		memcpy(unattr, procs.unattributed, sizeof(procs.unattributed));
		procs_counts_free(&procs);
		return err;
	}
	err = collector_read_cgroup_snapshot(c, &cgroups, snap);
	*rows = cgroups.n;
	memcpy(unattr, cgroups.unattributed, sizeof(cgroups.unattributed));
	free(cgroups.rows);
	return err;
}

/*
 * -P and -C count in per-CPU hashes: calls on two CPUs add up in one entry; a full map
 * sends the call it cannot key to unattributed, so the totals stay exact.
 */
static void test_percpu_keyed(const char *what, struct collector_opts o)
{
	static struct snapshot snap;
	static __u64 unattr[NR_SLOTS];
	struct collector c;
	size_t rows = 0;
	int err, cpus = two_cpus() ? 2 : 1;

	o.no_attach = true;
	err = collector_open(&c, &o);
	for (int cpu = 0; !err && cpu < cpus; cpu++)
		for (int k = 0; k < 5 + cpu; k++)
			err = run_pinned(c.prog_fd, 39, cpu);
	unpin();
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	CHECK(!err && rows == 1 && snap.slots[39] == (cpus == 2 ? 11 : 5) && !unattr[39],
	      "%s: calls on %d CPU(s) add up in one per-CPU entry (%llu)", what, cpus,
	      snap.slots[39]);
	collector_close(&c);

	o.proc_entries = 2;
	err = collector_open(&c, &o);
	for (long id = 0; !err && id < 3; id++)
		err = run_id(c.prog_fd, id, -1);
	err = err ?: run_id(c.prog_fd, 0, -1);
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	CHECK(!err && rows == 2 && snap.slots[0] == 2 && snap.slots[1] == 1 && snap.slots[2] == 1 &&
		      unattr[2] == 1 && !unattr[0] && !unattr[1],
	      "%s: a full map (2 entries): the third syscall is unattributed, totals exact", what);
	collector_close(&c);
}

struct racer {
	int prog_fd, cpu, errors;
	pthread_barrier_t *barrier;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	for (int slot = 0; slot <= MAX_SYSCALL_ID; slot++) {
		pthread_barrier_wait(r->barrier);
		r->errors += run_pinned(r->prog_fd, slot, r->cpu) != 0;
	}
	return NULL;
}

/* Two CPUs race the first insert of every (process, slot) key: none of the 2 counts is lost. */
static void test_keyed_race(const char *what, struct collector_opts o)
{
	static struct snapshot snap;
	static __u64 unattr[NR_SLOTS];
	pthread_barrier_t barrier;
	struct racer r[2];
	pthread_t t[2];
	struct collector c;
	size_t rows = 0;
	int err, short_slots = 0;

	if (!two_cpus()) {
		printf("skip - %s: first-insert race needs two CPUs\n", what);
		return;
	}
	o.no_attach = true;
	err = collector_open(&c, &o);
	pthread_barrier_init(&barrier, NULL, 2);
	for (int i = 0; !err && i < 2; i++) {
		r[i] = (struct racer){ .prog_fd = c.prog_fd, .cpu = i, .barrier = &barrier };
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (int i = 0; !err && i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	for (int s = 0; !err && s <= MAX_SYSCALL_ID; s++)
		short_slots += snap.slots[s] != 2;
	CHECK(!err && !r[0].errors && !r[1].errors && !short_slots && rows == 1024,
	      "%s: two CPUs racing the first insert of 1024 keys lose no count (%d short)", what,
	      short_slots);
	collector_close(&c);
}

static char cg_root[PATH_MAX], cg_home[PATH_MAX];

/* Where cgroup2 is mounted, and this process's cgroup in it. */
static bool find_cgroups(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024], dir[512], path[512];

	cg_root[0] = 0;
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " - cgroup2 ") && sscanf(line, "%*s %*s %*s %*s %511s", dir) == 1)
			snprintf(cg_root, sizeof(cg_root), "%s", dir);
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "0::%511s", path) == 1)
			snprintf(cg_home, sizeof(cg_home), "%s%s", cg_root, path);
	if (f)
		fclose(f);
	return cg_root[0] && cg_home[0];
}

static int move_to(const char *dir)
{
	char path[PATH_MAX + 16];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	err = fprintf(f, "%d\n", getpid()) < 0;
	return fclose(f) || err ? -EIO : 0;
}

/* Calls counted under --cgroup @dir; @walk_only: with the helper's map emptied first. */
static __u64 cgroup_counted(const char *dir, bool walk_only)
{
	struct collector_opts o = { .cgroup = dir, .no_attach = true };
	static struct snapshot snap;
	struct collector c;
	__u64 got = ~0ULL;
	__u32 zero = 0;

	if (collector_open(&c, &o) == 0 &&
	    (!walk_only || !bpf_map_delete_elem(bpf_map__fd(c.skel->maps.cgroup_filter), &zero))) {
		for (int k = 0; k < 7; k++)
			run_id(c.prog_fd, 39, -1);
		if (!collector_read(&c, &snap))
			got = snap.slots[39];
	}
	collector_close(&c);
	return got;
}

/*
 * --cgroup reads the task's cgroup: the wanted one and its descendants count without the
 * helper (its map emptied), another not; a task deeper than the walk still counts, by
 * the helper.
 */
static void test_cgroup_filter(void)
{
	char top[PATH_MAX - 16], mid[PATH_MAX], empty[PATH_MAX], deep[CGROUP_WALK + 3][PATH_MAX];
	int n = 0;

	if (!find_cgroups()) {
		printf("skip - --cgroup: no cgroup2 mount\n");
		return;
	}
	snprintf(top, sizeof(top), "%.*s/test-prog-paths-%d", PATH_MAX / 2, cg_root, getpid());
	snprintf(mid, sizeof(mid), "%s/mid", top);
	snprintf(empty, sizeof(empty), "%s/empty", top);
	mkdir(top, 0755);
	mkdir(mid, 0755);
	mkdir(empty, 0755);
	for (const char *up = mid; n < CGROUP_WALK + 3; up = deep[n++]) {
		snprintf(deep[n], sizeof(deep[n]), "%.*s/d", (int)(sizeof(deep[n]) - 3), up);
		mkdir(deep[n], 0755);
	}
	if (move_to(mid)) {
		CHECK(0, "--cgroup: could move into a test cgroup");
		goto out;
	}
	CHECK(cgroup_counted(mid, true) == 7, "--cgroup: the task's own cgroup, no helper: 7");
	CHECK(cgroup_counted(top, true) == 7, "--cgroup: its parent, no helper: 7");
	CHECK(cgroup_counted(empty, false) == 0, "--cgroup: a sibling: none");
	CHECK(cgroup_counted(deep[0], false) == 0, "--cgroup: a child of its cgroup: none");
	if (move_to(deep[n - 1])) {
		CHECK(0, "--cgroup: could move into a deep test cgroup");
		goto out;
	}
	CHECK(cgroup_counted(top, false) == 7 && cgroup_counted(top, true) == 0,
	      "--cgroup: %d levels below, beyond the walk: counted by the helper", n + 1);
out:
	move_to(cg_home);
	while (n > 0)
		rmdir(deep[--n]);
	rmdir(empty);
	rmdir(mid);
	rmdir(top);
}

void test_paths(void)
{
	test_filter_word();
	test_percpu_keyed("-P", (struct collector_opts){ .per_process = true });
	test_percpu_keyed("-C", (struct collector_opts){ .per_cgroup = true });
	test_keyed_race("-P", (struct collector_opts){ .per_process = true });
	test_keyed_race("-C", (struct collector_opts){ .per_cgroup = true });
	test_cgroup_filter();
}
