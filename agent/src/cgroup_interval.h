/* SPDX-License-Identifier: GPL-2.0 */
/* Streaming per-cgroup counts (-C --server): each interval's busiest cgroups, named. */
#ifndef __CGROUP_INTERVAL_H
#define __CGROUP_INTERVAL_H

#include <stddef.h>
#include <linux/types.h>
#include "collector.h"
#include "cgroups.h"

struct cgroup_delta {
	__u64 cgid;
	__u32 slot;
	__u64 count;	   /* calls in the interval */
	const char *path;  /* valid until the next cgroup_interval() */
	char label[64];	   /* container or unit, "" if none */
	char fallback[32]; /* "cgroup_<id>" for a cgroup removed before it could be named */
};

struct cgroup_interval {
	struct cgroup_row *last; /* cumulative counts at the previous interval, by (cgid, slot) */
	size_t nlast;
	struct cgroup_names names; /* reloaded only when a busy cgroup is not in it */
	int names_loaded;
};

/*
 * The calls since the previous call of the @k busiest cgroups (rows malloc'ed into @out),
 * from @cur as collector_read_cgroups() returned it (its rows get sorted).
 */
int cgroup_interval_next(struct cgroup_interval *ci, struct cgroup_counts *cur, size_t k,
			 struct cgroup_delta **out, size_t *nout);
void cgroup_interval_free(struct cgroup_interval *ci);

/* The order both cgroup_interval and cgroup_seen keep rows in, to walk two reads side by side. */
int cgroup_row_cmp(const struct cgroup_row *x, const struct cgroup_row *y);
/* Sorts @rows by (cgid, slot). */
void cgroup_rows_sort(struct cgroup_row *rows, size_t n);

#endif /* __CGROUP_INTERVAL_H */
