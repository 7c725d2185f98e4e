// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN tests of the key cache in front of the -P and -C hashes (issue 14): a
 * key's calls count in its CPU's cache entry; a key whose entry another holds counts in the
 * hash, or unattributed when the hash is full; two CPUs' entries add up; the entries of a
 * process that is gone are freed once read, its counts kept.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "collector.h"
#include "syscall_counter.skel.h"
#include "prog_run.h"

/* -C: this process's cgroup v2 id, the inode number of its directory; 0 if not found. */
static __u64 own_cgroup_id(void)
{
	char line[512], path[600];
	FILE *f = fopen("/proc/self/cgroup", "r");
	struct stat st;
	__u64 id = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(path, sizeof(path), "/sys/fs/cgroup%s", line + 3);
		if (!stat(path, &st))
			id = st.st_ino;
	}
	if (f)
		fclose(f);
	return id;
}

/*
 * Another key in the entry of (@id, @slot) on @cpu, as when another process or cgroup claimed
 * it first (keys of one id spread over distinct entries: the hash is multiplicative). Its
 * count is 0, so readers skip it.
 */
static void occupy(struct collector *c, int cpu, __u64 id, __u32 slot)
{
	c->kcache.entries[cpu * KEY_CACHE_SLOTS + key_cache_hash(id, slot)] =
		(struct key_cache_entry){ .id = 0x7ffffff0, .slot = slot };
}

static const struct key_cache_entry *entry(struct collector *c, int cpu, __u64 id, __u32 slot)
{
	return &c->kcache.entries[cpu * KEY_CACHE_SLOTS + key_cache_hash(id, slot)];
}

/*
 * On CPU 0: s0 claims its entry (3 calls); s1 finds its entry taken and counts in the hash (2),
 * which then is full (1 entry), so s2, its entry taken too, is unattributed (1). On CPU 1 (when
 * there is one): s1 has an entry of its own there (4 calls). Totals exact, s0 and s1 a row each.
 */
static void test_collisions(const char *what, struct collector_opts o, __u64 id)
{
	static struct snapshot snap;
	static __u64 unattr[NR_SLOTS];
	static const int calls[3] = { 3, 2, 1 };
	bool two = two_cpus();
	struct collector c;
	size_t rows = 0;
	const __u32 s[3] = { 39, 40, 41 };
	int err;

	if (!id) {
		printf("skip - %s: no cgroup v2 id for this process\n", what);
		return;
	}
	o.no_attach = true;
	o.proc_entries = 1;
	o.key_cache = 1; /* on, though the map is bounded */
	err = collector_open(&c, &o);
	if (!err) {
		occupy(&c, 0, id, s[1]);
		occupy(&c, 0, id, s[2]);
	}
	for (int i = 0; i < 3; i++)
		for (int k = 0; !err && k < calls[i]; k++)
			err = run_pinned(c.prog_fd, s[i], 0);
	for (int k = 0; two && !err && k < 4; k++)
		err = run_pinned(c.prog_fd, s[1], 1);
	unpin();
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	CHECK(!err && entry(&c, 0, id, s[0])->id == id && entry(&c, 0, id, s[0])->slot == s[0] &&
		      entry(&c, 0, id, s[0])->count == 3,
	      "%s: a key claims its free entry on this CPU and counts there (3)", what);
	CHECK(!err && (!two || (entry(&c, 1, id, s[1])->slot == s[1] &&
				entry(&c, 1, id, s[1])->count == 4)),
	      "%s: another CPU's entry of the same index is its own (%s)", what,
	      two ? "4 on CPU 1" : "one CPU: not checked");
	CHECK(!err && snap.slots[s[0]] == 3 && snap.slots[s[1]] == 2u + (two ? 4 : 0) &&
		      snap.slots[s[2]] == 1 && unattr[s[2]] == 1 && !unattr[s[0]] &&
		      !unattr[s[1]] && rows == 2,
	      "%s: a taken entry sends a key to the hash, a full hash to unattributed; exact (%zu rows)",
	      what, rows);
	collector_close(&c);
}

/* A process's calls in the cache (on CPU 0) after it is gone: read once, kept, entry freed. */
static void test_forget_dead(void)
{
	struct collector_opts o = { .per_process = true, .no_attach = true };
	static struct snapshot snap;
	static __u64 unattr[NR_SLOTS];
	struct collector c;
	size_t rows = 0;
	pid_t child;
	int err, status = 1;

	err = collector_open(&c, &o);
	child = err ? -1 : fork();
	if (child == 0) {
		for (int k = 0; k < 4; k++)
			if (run_pinned(c.prog_fd, 39, 0))
				_exit(1);
		_exit(0);
	}
	if (child > 0)
		waitpid(child, &status, 0);
	err = err ?: status ? -EIO : read_keyed(&c, &snap, &rows, unattr);
	CHECK(!err && snap.slots[39] == 4 && entry(&c, 0, child, 39)->id == 0,
	      "-P: an exited process's 4 cached calls are counted and its entry freed (%llu)",
	      snap.slots[39]);
	err = err ?: run_pinned(c.prog_fd, 39, 0);
	unpin();
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	CHECK(!err && snap.slots[39] == 5 && entry(&c, 0, getpid(), 39)->count == 1,
	      "-P: the exited process's counts stay after it is forgotten, a live one's add (%llu)",
	      snap.slots[39]);
	collector_close(&c);
}

/* By default -P counts in the cache; --proc-entries (a bound on the keys kept) turns it off. */
static void test_auto(void)
{
	struct collector_opts o = { .per_process = true, .no_attach = true };
	static struct snapshot snap;
	static __u64 unattr[NR_SLOTS];
	struct collector c;
	size_t rows = 0;
	int err;

	err = collector_open(&c, &o)		   ?:
		      run_pinned(c.prog_fd, 39, 0) ?:
						     run_pinned(c.prog_fd, 39, 0);
	unpin();
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	CHECK(!err && snap.slots[39] == 2 && entry(&c, 0, getpid(), 39)->count == 2,
	      "-P: by default its calls count in the key cache (2)");
	collector_close(&c);
	o.proc_entries = 8;
	err = collector_open(&c, &o) ?: run_id(c.prog_fd, 39, -1);
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	CHECK(!err && c.kcache.n == 0 && snap.slots[39] == 1 && rows == 1,
	      "-P --proc-entries 8: no key cache, the bounded map counts (1)");
	collector_close(&c);
}

void test_key_cache(void)
{
	test_auto();
	test_collisions("-P", (struct collector_opts){ .per_process = true }, getpid());
	test_collisions("-C", (struct collector_opts){ .per_cgroup = true }, own_cgroup_id());
	test_forget_dead();
}
