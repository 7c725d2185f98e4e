/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-cgroup syscall sets (-C --server): the (cgroup, syscall) pairs seen for the first time
 * since the previous snapshot, for every cgroup whatever the top-K, so that the set of
 * syscalls each cgroup made is complete on the control plane (seccomp profiles need it).
 */
#ifndef __CGROUP_SEEN_H
#define __CGROUP_SEEN_H

#include <stddef.h>
#include <linux/types.h>
#include "cgroup_interval.h"

/* One cgroup's new syscalls (slots), named. */
struct cgroup_seen {
	char *path;	/* malloc'ed: the names may be reloaded before the snapshot is packed */
	char label[64]; /* container or unit, "" if none */
	const __u32 *slots;
	size_t nslots;
};

struct cgroup_seen_set {
	struct cgroup_seen *cgroups;
	size_t n;
	__u32 *slots; /* all groups' slots, one block */
};

/*
 * The pairs of @cur (as collector_read_cgroups() returned it; its rows get sorted) that are
 * not in @ci's previous counts. Call it before cgroup_interval_next(), which replaces them.
 */
int cgroup_seen_next(struct cgroup_interval *ci, struct cgroup_counts *cur,
		     struct cgroup_seen_set *out);
void cgroup_seen_free(struct cgroup_seen_set *set);

#endif /* __CGROUP_SEEN_H */
