/* SPDX-License-Identifier: GPL-2.0 */
/* cgroup v2 ids to paths, and paths to container ids or systemd units. */
#ifndef __CGROUPS_H
#define __CGROUPS_H

#include <stddef.h>
#include <linux/types.h>

struct cgroup_names {
	char root[256]; /* where cgroup2 is mounted */
	struct cgroup_name *names;
	size_t n, cap;
};

/* Finds the cgroup2 mount and indexes every cgroup under it by id (its inode number). */
int cgroup_names_load(struct cgroup_names *cn);
/* "/system.slice/docker-….scope", "/" for the root; NULL if no such cgroup (now). */
const char *cgroup_names_find(const struct cgroup_names *cn, __u64 id);
void cgroup_names_free(struct cgroup_names *cn);

/*
 * What runs in a cgroup, from the usual runtimes' path patterns: "docker:<id12>",
 * "containerd:<id12>", "cri-o:<id12>", "podman:<id12>", else the innermost systemd
 * unit ("nginx.service", "session-3.scope"), else "".
 */
void cgroup_label(const char *path, char *buf, size_t len);

#endif /* __CGROUPS_H */
