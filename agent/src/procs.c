// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
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
	p->batch = max_entries < 4096 ? max_entries : 4096;
	p->keys = calloc(p->batch, sizeof(*p->keys));
	p->values = calloc(p->batch > (size_t)ncpus ? p->batch : (size_t)ncpus, sizeof(*p->values));
	return p->keys && p->values ? 0 : -ENOMEM;
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

static void comm_of(struct procs *p, __u32 tgid, char *comm)
{
	memset(comm, 0, COMM_LEN);
	if (bpf_map_lookup_elem(p->comms_fd, &tgid, comm))
		strcpy(comm, "?");
}

static int is_dead(__u32 tgid)
{
	return kill((pid_t)tgid, 0) && errno == ESRCH;
}

/*
 * A process found dead makes no more calls, so looking up and deleting its entries
 * now moves their final values: nothing counted after this read is lost, and the
 * map does not fill with the dead.
 */
static int drain(struct procs *p, __u32 tgid)
{
	struct proc_row row = { .tgid = tgid, .exited = 1 };
	struct proc_key key = { .tgid = tgid };
	__u64 value;
	int err;

	comm_of(p, tgid, row.comm);
	for (__u32 slot = 0; slot < NR_SLOTS; slot++) {
		key.slot = slot;
		if (bpf_map_lookup_and_delete_elem(p->counts_fd, &key, &value))
			continue;
		row.slot = slot;
		row.count = value;
		err = push(&p->ledger, &row);
		if (err)
			return err;
	}
	bpf_map_delete_elem(p->comms_fd, &tgid);
	return 0;
}

static int read_map(struct procs *p, struct proc_counts *out)
{
	struct proc_key in_batch, out_batch;
	void *in = NULL;
	__u32 count;
	int err;

	out->map_entries = 0;
	do {
		count = p->batch;
		err = bpf_map_lookup_batch(p->counts_fd, in, &out_batch, p->keys, p->values, &count,
					   NULL);
		if (err && err != -ENOENT)
			return err;
		for (__u32 i = 0; i < count; i++) {
			struct proc_row row = { .tgid = p->keys[i].tgid,
						.slot = p->keys[i].slot,
						.count = p->values[i] };
			int e = push(out, &row);

			if (e)
				return e;
		}
		out->map_entries += count;
		in_batch = out_batch;
		in = &in_batch;
	} while (!err);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

int procs_read(struct procs *p, struct proc_counts *out, __u64 *slots)
{
	struct proc_counts live = {};
	__u32 *dead = NULL;
	size_t ndead = 0, kept = 0;
	int err;

	memset(out, 0, sizeof(*out));
	memset(slots, 0, NR_SLOTS * sizeof(*slots));
	err = read_map(p, &live);
	if (err)
		goto out;
	/* Decide once per process whether it is dead, then drain the dead and keep the rest. */
	dead = calloc(live.n ? live.n : 1, sizeof(*dead));
	if (!dead) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < live.n; i++)
		dead[ndead++] = live.rows[i].tgid;
	qsort(dead, ndead, sizeof(*dead), cmp_u32);
	kept = 0;
	for (size_t i = 0; i < ndead; i++)
		if ((i == 0 || dead[i] != dead[i - 1]) && is_dead(dead[i]))
			dead[kept++] = dead[i];
	ndead = kept;
	for (size_t i = 0; i < ndead; i++) {
		err = drain(p, dead[i]);
		if (err)
			goto out;
	}
	kept = 0;
	for (size_t i = 0; i < live.n; i++) {
		struct proc_row *r = &live.rows[i];

		if (bsearch(&r->tgid, dead, ndead, sizeof(*dead), cmp_u32))
			continue;
		comm_of(p, r->tgid, r->comm);
		live.rows[kept++] = *r;
	}
	live.n = kept;
	out->map_entries = live.n;

	for (size_t i = 0; i < live.n && !err; i++)
		err = push(out, &live.rows[i]);
	for (size_t i = 0; i < p->ledger.n && !err; i++)
		err = push(out, &p->ledger.rows[i]);
	if (err)
		goto out;
	for (__u32 slot = 0; slot < NR_SLOTS; slot++) {
		__u64 sum = 0;

		if (bpf_map_lookup_elem(p->unattributed_fd, &slot, p->values)) {
			err = -errno;
			goto out;
		}
		for (int cpu = 0; cpu < p->ncpus; cpu++)
			sum += p->values[cpu];
		out->unattributed[slot] = sum;
		slots[slot] += sum;
	}
	for (size_t i = 0; i < out->n; i++)
		slots[out->rows[i].slot] += out->rows[i].count;
	for (__u32 slot = 0; slot < NR_SLOTS; slot++)
		slots[slot] += p->retired[slot];
out:
	free(dead);
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
	free(p->keys);
	free(p->values);
	memset(p, 0, sizeof(*p));
}
