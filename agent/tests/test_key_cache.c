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
	size_t rows = 0, in_use = 0, size = 0;
	__u64 taken = 0;
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
	err = err ?: collector_key_cache_use(&c, &in_use, &size, &taken);
	CHECK(!err && taken == 3 && in_use == 3u + two && size == c.kcache.n,
	      "%s: 3 calls found their entry taken; %zu entries in use (2 occupied, s0%s)", what,
	      in_use, two ? ", s1 on CPU 1" : "");
	collector_close(&c);
}

/* A slot whose key for this process takes the entry at @idx on CPU 0, but not @avoid's; -1: none. */
static int slot_at(struct collector *c, size_t idx, int avoid)
{
	for (int s = 0; s <= MAX_SYSCALL_ID; s++)
		if (s != avoid && key_cache_hash(getpid(), s) == idx &&
		    entry(c, 0, getpid(), s) != entry(c, 0, getpid(), avoid))
			return s;
	return -1;
}

/* A child's calls on CPU 0: one on every slot (so its entries cover many indices). */
static int run_child(struct collector *c)
{
	pid_t child = fork();
	int status = 1;

	if (child == 0) {
		for (int s = 0; s <= MAX_SYSCALL_ID; s++)
			if (run_pinned(c->prog_fd, s, 0))
				_exit(1);
		_exit(0);
	}
	if (child > 0)
		waitpid(child, &status, 0);
	return child < 0 ? -errno : status ? -EIO : child;
}

/*
 * The parent counts on CPU 0 (2 calls), a child on every slot, then exits. One read: the
 * child's counts are kept and its entries freed; the parent's entry stays with its count. Then
 * the parent claims one of the freed entries with another key (3 calls): counted there, exact.
 */
static void test_forget_dead(void)
{
	struct collector_opts o = { .per_process = true, .no_attach = true };
	static struct snapshot snap;
	static __u64 unattr[NR_SLOTS];
	struct collector c;
	size_t rows = 0, held = 0, freed = 0;
	int err, child = -1, again = -1;

	err = collector_open(&c, &o)		   ?:
		      run_pinned(c.prog_fd, 39, 0) ?:
						     run_pinned(c.prog_fd, 39, 0);
	if (!err)
		err = child = run_child(&c);
	err = err < 0 ? err : 0;
	for (size_t i = 0; !err && i < KEY_CACHE_SLOTS; i++)
		if (c.kcache.entries[i].id == (__u64)child && again < 0)
			again = slot_at(&c, i, 39);
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	for (size_t i = 0; !err && i < c.kcache.n; i++)
		held += c.kcache.entries[i].id == (__u64)child;
	CHECK(!err && snap.slots[39] == 3 && snap.slots[40] == 1 && snap.slots[1023] == 1 && !held,
	      "-P: an exited process's cached calls are counted and its entries freed (%zu held)",
	      held);
	CHECK(!err && entry(&c, 0, getpid(), 39)->id == (__u64)getpid() &&
		      entry(&c, 0, getpid(), 39)->count == 2,
	      "-P: a live process's entry stays with its count (2) when another's are freed");
	for (int k = 0; !err && again >= 0 && k < 3; k++)
		err = run_pinned(c.prog_fd, again, 0);
	unpin();
	err = err ?: read_keyed(&c, &snap, &rows, unattr);
	freed = again >= 0 ? entry(&c, 0, getpid(), again)->count : 0;
	CHECK(!err && again >= 0 && freed == 3 && snap.slots[again] == 4 && snap.slots[39] == 3,
	      "-P: a freed entry is claimed by another key and counts there (3 + the child's 1: %llu)",
	      again >= 0 ? snap.slots[again] : 0);
	collector_close(&c);
}

/*
 * key_cache_forget() alone, on entries of a dead tgid read by the last merge: unchanged since,
 * freed; grown since (its pid reused), kept, what was read its baseline; claimed after the
 * merge (not read), kept. Then a merge reports only the counts beyond the baseline.
 */
static void test_forget_reused(void)
{
	static struct key_cache_entry ce[3];
	__u64 read[3] = {}, base[3] = {};
	__u32 dead[1] = { 4242 };
	struct map_entries e = { .key_size = sizeof(struct proc_key), .value_size = sizeof(__u64) };
	struct key_cache kc = { .entries = ce, .n = 3, .read = read, .base = base };
	int err;

	ce[0] = (struct key_cache_entry){ .id = 4242, .slot = 39, .count = 4 };
	ce[1] = (struct key_cache_entry){ .id = 4242, .slot = 40, .count = 3 };
	err = key_cache_merge(&kc, &e, 1);
	ce[1].count += 2; /* the pid's new process, after the read */
	ce[2] = (struct key_cache_entry){ .id = 4242, .slot = 41, .count = 1 };
	key_cache_forget(&kc, dead, 1);
	CHECK(!err && e.n == 2 && !ce[0].id && !ce[0].count && ce[1].id == 4242 && base[1] == 3 &&
		      ce[2].id == 4242 && ce[2].count == 1,
	      "-P: forget frees a dead pid's unchanged entries, keeps grown (baseline 3) and new ones");
	e.n = 0;
	err = key_cache_merge(&kc, &e, 1);
	CHECK(!err && e.n == 2 && ((__u64 *)e.values)[0] == 2 && ((__u64 *)e.values)[1] == 1,
	      "-P: a kept entry reports what its new process counted (2), the new entry its own (1)");
	map_entries_free(&e);
	free(kc.in_hash);
}

/* A read-only descriptor of the map @fd: lookups work, deletes fail (EPERM). */
static int read_only_fd(int fd)
{
	LIBBPF_OPTS(bpf_get_fd_by_id_opts, opts, .open_flags = BPF_F_RDONLY);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	fd = bpf_map_get_fd_by_id_opts(info.id, &opts);
	return fd < 0 ? -errno : fd;
}

/*
 * -P, the hash alone: a child's 4 calls, then it exits; the first read cannot delete its key
 * (a read-only descriptor) and fails; the next one drains it. Counted once: 4, not 8.
 */
static void test_delete_fails(void)
{
	struct collector_opts o = { .per_process = true, .no_attach = true, .key_cache = -1 };
	static struct snapshot snap;
	struct proc_counts procs = {};
	struct collector c;
	int err, failed = 0, fd, ro = -1;
	pid_t child;

	err = collector_open(&c, &o);
	child = err ? -1 : fork();
	if (child == 0) {
		for (int k = 0; k < 4; k++)
			if (run_pinned(c.prog_fd, 39, 0))
				_exit(1);
		_exit(0);
	}
	if (child > 0)
		waitpid(child, &failed, 0);
	err = err ?: failed ? -EIO : (ro = read_only_fd(c.procs.counts_fd)) < 0 ? ro : 0;
	if (!err) {
		fd = c.procs.counts_fd;
		c.procs.counts_fd = ro;
		failed = collector_read_procs(&c, &procs, &snap);
		procs_counts_free(&procs);
		c.procs.counts_fd = fd;
		err = collector_read_procs(&c, &procs, &snap);
		procs_counts_free(&procs);
	}
	CHECK(!err && failed && snap.slots[39] == 4,
	      "-P: a read whose delete fails (%d) adds nothing; the next counts the exited 4 once (%llu)",
	      failed, snap.slots[39]);
	if (ro >= 0)
		close(ro);
	collector_close(&c);
}

/* By default -P counts in the cache; --proc-entries (a bound on the keys kept) turns it off. */
static void test_auto(void)
{
	struct collector_opts o = { .per_process = true, .no_attach = true };
	static struct snapshot snap;
	struct proc_counts procs = {};
	static __u64 unattr[NR_SLOTS];
	struct collector c;
	size_t rows = 0;
	int err;

	err = collector_open(&c, &o)		   ?:
		      run_pinned(c.prog_fd, 39, 0) ?:
						     run_pinned(c.prog_fd, 39, 0);
	unpin();
	err = err ?: collector_read_procs(&c, &procs, &snap);
	CHECK(!err && snap.slots[39] == 2 && entry(&c, 0, getpid(), 39)->count == 2 &&
		      procs.n == 1 && procs.map_entries == 0 && !c.kcache.in_hash[0],
	      "-P: by default its calls count in the key cache (2), no map entry in use (%zu)",
	      procs.map_entries);
	procs_counts_free(&procs);
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
	test_forget_reused();
	test_delete_fails();
}
