// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "procs.h"
#include "topk.h"

int procs_init(struct procs *p, int counts_fd, int comms_fd, int unattributed_fd, int ncpus,
	       size_t max_entries)
{
	memset(p, 0, sizeof(*p));
	p->counts_fd = counts_fd;
	p->comms_fd = comms_fd;
	p->unattributed_fd = unattributed_fd;
	p->ncpus = ncpus;
	return 0;
}

static int push(struct proc_counts *c, const struct proc_row *row)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct proc_row *rows = realloc(c->rows, cap * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		c->rows = rows;
		c->cap = cap;
	}
	c->rows[c->n++] = *row;
	return 0;
}

static int is_dead(__u32 tgid)
{
	return kill((pid_t)tgid, 0) && errno == ESRCH;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The (tgid, slot) entries of the per-process map, each summed over the CPUs, and those of
 * the cache in front of it: the map first, so that a key's count in the cache is added
 * (a count never moves from one to the other, see key_cache_inc()).
 */
static int read_counts(struct procs *p)
{
	int err = map_read_all(p->counts_fd, sizeof(struct proc_key), p->ncpus * sizeof(__u64),
			       &p->counts);

	return err ?: p->cache ? key_cache_merge(p->cache, &p->counts, p->ncpus) : 0;
}

static const struct proc_key *key_at(struct procs *p, size_t i)
{
	return (const struct proc_key *)p->counts.keys + i;
}

static __u64 count_at(struct procs *p, size_t i)
{
	return percpu_sum((const __u64 *)p->counts.values + i * p->ncpus, p->ncpus);
}

/* The name recorded for @tgid, from the last read of the names map (sorted by tgid). */
static void comm_of(struct procs *p, __u32 tgid, char *comm)
{
	const __u32 *keys = p->comms.keys;
	size_t lo = 0, hi = p->comms.n;

	memset(comm, 0, COMM_LEN);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (keys[mid] == tgid) {
			memcpy(comm, (char *)p->comms.values + mid * COMM_LEN, COMM_LEN - 1);
			return;
		}
		if (keys[mid] < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	strcpy(comm, "?");
}

/* Reads the names map, sorted by tgid for comm_of(). */
static int read_comms(struct procs *p)
{
	struct map_entries *e = &p->comms;
	int err = map_read_all(p->comms_fd, sizeof(__u32), COMM_LEN, e);
	size_t stride = sizeof(__u32) + COMM_LEN;
	char *pairs;

	if (err || e->n < 2)
		return err;
	/* Sort keys and values together: through one array of (tgid, name) pairs. */
	pairs = malloc(e->n * stride);
	if (!pairs)
		return -ENOMEM;
	for (size_t i = 0; i < e->n; i++) {
		memcpy(pairs + i * stride, (__u32 *)e->keys + i, sizeof(__u32));
		memcpy(pairs + i * stride + sizeof(__u32), (char *)e->values + i * COMM_LEN,
		       COMM_LEN);
	}
	qsort(pairs, e->n, stride, cmp_u32);
	for (size_t i = 0; i < e->n; i++) {
		memcpy((__u32 *)e->keys + i, pairs + i * stride, sizeof(__u32));
		memcpy((char *)e->values + i * COMM_LEN, pairs + i * stride + sizeof(__u32),
		       COMM_LEN);
	}
	free(pairs);
	return 0;
}

/* The distinct tgids of the last read of the counts map that are dead now, sorted. */
static int dead_tgids(struct procs *p, __u32 **out, size_t *n)
{
	__u32 *tgids = calloc(p->counts.n ? p->counts.n : 1, sizeof(*tgids));
	size_t k = 0;

	*out = tgids;
	*n = 0;
	if (!tgids)
		return -ENOMEM;
	for (size_t i = 0; i < p->counts.n; i++)
		tgids[i] = key_at(p, i)->tgid;
	qsort(tgids, p->counts.n, sizeof(*tgids), cmp_u32);
	for (size_t i = 0; i < p->counts.n; i++)
		if ((i == 0 || tgids[i] != tgids[i - 1]) && is_dead(tgids[i]))
			tgids[k++] = tgids[i];
	*n = k;
	return 0;
}

static bool in_set(const __u32 *set, size_t n, __u32 tgid)
{
	return n && bsearch(&tgid, set, n, sizeof(*set), cmp_u32);
}

/*
 * Moves the entries of the processes in @dead into the ledger and out of the maps. They
 * were dead before the last read of the map began, so its values are their final ones:
 * nothing counted after this read is lost, and the map does not fill with the dead.
 */
static int drain(struct procs *p, const __u32 *dead, size_t ndead)
{
	struct proc_key *gone = calloc(p->counts.n ? p->counts.n : 1, sizeof(*gone));
	size_t ngone = 0;
	int err = 0;

	if (!gone)
		return -ENOMEM;
	for (size_t i = 0; i < p->counts.n && !err; i++) {
		const struct proc_key *key = key_at(p, i);
		struct proc_row row = { .tgid = key->tgid, .slot = key->slot, .exited = 1 };

		if (!in_set(dead, ndead, key->tgid) || key->slot >= NR_SLOTS)
			continue;
		row.count = count_at(p, i);
		comm_of(p, key->tgid, row.comm);
		gone[ngone++] = *key;
		err = push(&p->ledger, &row);
	}
	/* A key only in the cache is not in the map: its delete fails with -ENOENT, skipped. */
	err = err ?: map_delete_keys(p->counts_fd, gone, sizeof(*gone), ngone);
	if (!err && p->cache)
		key_cache_forget(p->cache, dead, ndead);
	err = err ?: map_delete_keys(p->comms_fd, dead, sizeof(*dead), ndead);
	free(gone);
	return err;
}

/*
 * One read of the map, then whether each of its processes is still alive; when some are
 * dead, a second read gives their final counts (O(entries) bpf() calls either way).
 */
static int read_live(struct procs *p, struct proc_counts *live)
{
	__u32 *dead = NULL;
	size_t ndead = 0;
	int err;

	err = read_counts(p) ?: dead_tgids(p, &dead, &ndead);
	if (!err && ndead)
		err = read_counts(p);
	err = err ?: read_comms(p);
	err = err ?: drain(p, dead, ndead);
	for (size_t i = 0; i < p->counts.n && !err; i++) {
		const struct proc_key *key = key_at(p, i);
		struct proc_row row = { .tgid = key->tgid, .slot = key->slot };

		if (in_set(dead, ndead, key->tgid) || key->slot >= NR_SLOTS)
			continue;
		row.count = count_at(p, i);
		comm_of(p, key->tgid, row.comm);
		err = push(live, &row);
	}
	free(dead);
	return err;
}

int procs_read(struct procs *p, struct proc_counts *out, __u64 *slots)
{
	struct proc_counts live = {};
	int err;

	memset(out, 0, sizeof(*out));
	memset(slots, 0, NR_SLOTS * sizeof(*slots));
	err = read_live(p, &live);
	out->map_entries = live.n;
	for (size_t i = 0; i < live.n && !err; i++)
		err = push(out, &live.rows[i]);
	for (size_t i = 0; i < p->ledger.n && !err; i++)
		err = push(out, &p->ledger.rows[i]);
	err = err ?: percpu_array_read(p->unattributed_fd, NR_SLOTS, p->ncpus, out->unattributed);
	if (err)
		goto out;
	for (__u32 slot = 0; slot < NR_SLOTS; slot++)
		slots[slot] += out->unattributed[slot] + p->retired[slot];
	for (size_t i = 0; i < out->n; i++)
		slots[out->rows[i].slot] += out->rows[i].count;
out:
	procs_counts_free(&live);
	return err;
}

static int cmp_key(const struct proc_row *x, const struct proc_row *y)
{
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int by_key(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	return cmp_key(x, y) ? cmp_key(x, y) : x->exited - y->exited;
}

int procs_interval(struct procs *p, const struct proc_counts *cur, size_t k, struct proc_row **out,
		   size_t *nout)
{
	struct proc_row *rows = calloc(cur->n ? cur->n : 1, sizeof(*rows));
	struct key_total *totals = calloc(cur->n ? cur->n : 1, sizeof(*totals));
	struct proc_counts next = {};
	size_t n = 0, m = 0, j = 0, o = 0;
	int err = 0;

	*out = NULL;
	*nout = 0;
	if (!rows || !totals) {
		err = -ENOMEM;
		goto out;
	}
	/* One row per (tgid, slot): an exited process and a new one with its pid add up. */
	memcpy(rows, cur->rows, cur->n * sizeof(*rows));
	qsort(rows, cur->n, sizeof(*rows), by_key);
	for (size_t i = 0; i < cur->n; i++) {
		if (!rows[i].exited && (err = push(&next, &rows[i])))
			goto out;
		if (n && rows[n - 1].tgid == rows[i].tgid && rows[n - 1].slot == rows[i].slot) {
			rows[n - 1].count += rows[i].count;
			if (!rows[i].exited)
				memcpy(rows[n - 1].comm, rows[i].comm, COMM_LEN);
			continue;
		}
		rows[n++] = rows[i];
	}
	/* Deltas against the previous interval (both sorted), and each process's total. */
	for (size_t i = 0; i < n; i++) {
		while (j < p->last.n && cmp_key(&p->last.rows[j], &rows[i]) < 0)
			j++;
		if (j < p->last.n && !cmp_key(&p->last.rows[j], &rows[i]))
			rows[i].count = rows[i].count >= p->last.rows[j].count ?
						rows[i].count - p->last.rows[j].count :
						0;
		if (!m || totals[m - 1].key != rows[i].tgid)
			totals[m++] = (struct key_total){ .key = rows[i].tgid };
		totals[m - 1].total += rows[i].count;
	}
	k = topk_select(totals, m, k);
	for (size_t i = 0; i < n; i++)
		if (rows[i].count && topk_has(totals, k, rows[i].tgid))
			rows[o++] = rows[i];
	*out = rows;
	*nout = o;
	rows = NULL;
	/* The exited have been reported for the last time: forget them. */
	procs_counts_free(&p->last);
	p->last = next;
	next = (struct proc_counts){};
	for (size_t i = 0; i < p->ledger.n; i++)
		p->retired[p->ledger.rows[i].slot] += p->ledger.rows[i].count;
	procs_counts_free(&p->ledger);
out:
	free(rows);
	free(totals);
	procs_counts_free(&next);
	return err;
}

void procs_counts_free(struct proc_counts *c)
{
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

void procs_free(struct procs *p)
{
	procs_counts_free(&p->ledger);
	procs_counts_free(&p->last);
	map_entries_free(&p->counts);
	map_entries_free(&p->comms);
	memset(p, 0, sizeof(*p));
}
