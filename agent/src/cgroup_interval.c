// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup_interval.h"
#include "topk.h"

int cgroup_row_cmp(const struct cgroup_row *x, const struct cgroup_row *y)
{
	if (x->cgid != y->cgid)
		return x->cgid < y->cgid ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int by_key(const void *a, const void *b)
{
	return cgroup_row_cmp(a, b);
}

void cgroup_rows_sort(struct cgroup_row *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), by_key);
}

/* Names the rows; cgroups created since the last walk of the hierarchy trigger one more walk. */
static void name_rows(struct cgroup_interval *ci, struct cgroup_delta *rows, size_t n)
{
	int reloaded = 0;

	for (size_t i = 0; i < n; i++) {
		const char *path = ci->names_loaded ? cgroup_names_find(&ci->names, rows[i].cgid) :
						      NULL;

		if (!path && !reloaded) {
			cgroup_names_free(&ci->names);
			ci->names_loaded = !cgroup_names_load(&ci->names);
			reloaded = 1;
			i--;
			continue;
		}
		if (!path) {
			snprintf(rows[i].fallback, sizeof(rows[i].fallback), "cgroup_%llu",
				 rows[i].cgid);
			path = rows[i].fallback;
		}
		rows[i].path = path;
		cgroup_label(path, rows[i].label, sizeof(rows[i].label));
	}
}

int cgroup_interval_next(struct cgroup_interval *ci, struct cgroup_counts *cur, size_t k,
			 struct cgroup_delta **out, size_t *nout)
{
	struct cgroup_delta *rows = calloc(cur->n ? cur->n : 1, sizeof(*rows));
	struct key_total *totals = calloc(cur->n ? cur->n : 1, sizeof(*totals));
	struct cgroup_row *next = malloc((cur->n ? cur->n : 1) * sizeof(*next));
	size_t m = 0, j = 0, o = 0;
	int err = 0;

	*out = NULL;
	*nout = 0;
	if (!rows || !totals || !next) {
		err = -ENOMEM;
		goto cleanup;
	}
	cgroup_rows_sort(cur->rows, cur->n);
	memcpy(next, cur->rows, cur->n * sizeof(*next));
	/* Deltas against the previous interval (both sorted), and each cgroup's total. */
	for (size_t i = 0; i < cur->n; i++) {
		const struct cgroup_row *r = &cur->rows[i];
		__u64 before = 0;

		while (j < ci->nlast && cgroup_row_cmp(&ci->last[j], r) < 0)
			j++;
		if (j < ci->nlast && !cgroup_row_cmp(&ci->last[j], r))
			before = ci->last[j].count;
		rows[i] = (struct cgroup_delta){ .cgid = r->cgid,
						 .slot = r->slot,
						 .count = r->count >= before ? r->count - before :
									       0 };
		if (!m || totals[m - 1].key != r->cgid)
			totals[m++] = (struct key_total){ .key = r->cgid };
		totals[m - 1].total += rows[i].count;
	}
	k = topk_select(totals, m, k);
	for (size_t i = 0; i < cur->n; i++)
		if (rows[i].count && topk_has(totals, k, rows[i].cgid))
			rows[o++] = rows[i];
	name_rows(ci, rows, o);
	free(ci->last);
	ci->last = next;
	ci->nlast = cur->n;
	next = NULL;
	*out = rows;
	*nout = o;
	rows = NULL;
cleanup:
	free(rows);
	free(totals);
	free(next);
	return err;
}

void cgroup_interval_free(struct cgroup_interval *ci)
{
	free(ci->last);
	if (ci->names_loaded)
		cgroup_names_free(&ci->names);
	memset(ci, 0, sizeof(*ci));
}
