// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup_seen.h"

/* The path of cgroup @cgid, walking the hierarchy again once if it is newer than the last walk. */
static char *cgroup_path(struct cgroup_interval *ci, __u64 cgid, int *reloaded)
{
	const char *path = ci->names_loaded ? cgroup_names_find(&ci->names, cgid) : NULL;
	char fallback[32];

	if (!path && !*reloaded) {
		cgroup_names_free(&ci->names);
		ci->names_loaded = !cgroup_names_load(&ci->names);
		*reloaded = 1;
		path = ci->names_loaded ? cgroup_names_find(&ci->names, cgid) : NULL;
	}
	if (!path) {
		snprintf(fallback, sizeof(fallback), "cgroup_%llu", cgid);
		path = fallback;
	}
	return strdup(path);
}

/* Marks in @isnew the rows of @cur (sorted) absent from the previous counts; returns how many. */
static size_t mark_new(const struct cgroup_interval *ci, const struct cgroup_counts *cur,
		       char *isnew, size_t *ngroups)
{
	size_t j = 0, n = 0;
	__u64 last_cgid = 0;

	*ngroups = 0;
	for (size_t i = 0; i < cur->n; i++) {
		const struct cgroup_row *r = &cur->rows[i];

		while (j < ci->nlast && cgroup_row_cmp(&ci->last[j], r) < 0)
			j++;
		isnew[i] = r->count && !(j < ci->nlast && !cgroup_row_cmp(&ci->last[j], r));
		if (!isnew[i])
			continue;
		if (!n++ || r->cgid != last_cgid)
			(*ngroups)++;
		last_cgid = r->cgid;
	}
	return n;
}

int cgroup_seen_next(struct cgroup_interval *ci, struct cgroup_counts *cur,
		     struct cgroup_seen_set *out)
{
	char *isnew = calloc(cur->n ? cur->n : 1, 1);
	size_t n, ngroups, g = 0, k = 0, prev = 0;
	int reloaded = 0, err = 0;

	memset(out, 0, sizeof(*out));
	if (!isnew)
		return -ENOMEM;
	cgroup_rows_sort(cur->rows, cur->n);
	n = mark_new(ci, cur, isnew, &ngroups);
	if (!n)
		goto cleanup;
	out->slots = calloc(n, sizeof(*out->slots));
	out->cgroups = calloc(ngroups, sizeof(*out->cgroups));
	if (!out->slots || !out->cgroups) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < cur->n; i++) {
		const struct cgroup_row *r = &cur->rows[i];
		struct cgroup_seen *s;

		if (!isnew[i])
			continue;
		if (!k || r->cgid != cur->rows[prev].cgid) {
			s = &out->cgroups[g++];
			out->n = g;
			s->slots = &out->slots[k];
			s->path = cgroup_path(ci, r->cgid, &reloaded);
			if (!s->path) {
				err = -ENOMEM;
				goto cleanup;
			}
			cgroup_label(s->path, s->label, sizeof(s->label));
		}
		out->slots[k++] = r->slot;
		out->cgroups[g - 1].nslots++;
		prev = i;
	}
cleanup:
	free(isnew);
	if (err)
		cgroup_seen_free(out);
	return err;
}

void cgroup_seen_free(struct cgroup_seen_set *set)
{
	for (size_t i = 0; set->cgroups && i < set->n; i++)
		free(set->cgroups[i].path);
	free(set->cgroups);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}
