// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cgroups.h"

struct cgroup_name {
	__u64 id;
	char *path;
};

static int find_mount(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* id parent major:minor root mountpoint options [optional...] - fstype source super */
		char mnt[4096], *sep = strstr(line, " - ");

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (strlen(mnt) >= len)
			continue;
		memcpy(buf, mnt, strlen(mnt) + 1);
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

/* nftw has no user pointer: the table being filled while a walk runs. */
static struct cgroup_names *walking;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct cgroup_names *cn = walking;
	size_t root_len = strlen(cn->root);

	if (type != FTW_D)
		return 0;
	if (cn->n == cn->cap) {
		size_t cap = cn->cap ? cn->cap * 2 : 256;
		struct cgroup_name *names = realloc(cn->names, cap * sizeof(*names));

		if (!names)
			return -1;
		cn->names = names;
		cn->cap = cap;
	}
	cn->names[cn->n].id = st->st_ino;
	cn->names[cn->n].path = strdup(path[root_len] ? path + root_len : "/");
	if (!cn->names[cn->n].path)
		return -1;
	cn->n++;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct cgroup_name *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int cgroup_names_load(struct cgroup_names *cn)
{
	int err;

	memset(cn, 0, sizeof(*cn));
	err = find_mount(cn->root, sizeof(cn->root));
	if (err)
		return err;
	walking = cn;
	err = nftw(cn->root, visit, 32, FTW_PHYS | FTW_MOUNT);
	walking = NULL;
	if (err)
		return -ENOMEM;
	qsort(cn->names, cn->n, sizeof(*cn->names), by_id);
	return 0;
}

const char *cgroup_names_find(const struct cgroup_names *cn, __u64 id)
{
	struct cgroup_name key = { .id = id }, *hit;

	hit = cn->n ? bsearch(&key, cn->names, cn->n, sizeof(*cn->names), by_id) : NULL;
	return hit ? hit->path : NULL;
}

void cgroup_names_free(struct cgroup_names *cn)
{
	for (size_t i = 0; i < cn->n; i++)
		free(cn->names[i].path);
	free(cn->names);
	memset(cn, 0, sizeof(*cn));
}

/* A 64-hex-digit id right after @prefix in @s (and before ".scope" or the end): its first 12. */
static int container_id(const char *s, const char *prefix, char *id)
{
	const char *p = strstr(s, prefix);
	size_t n = 0;

	if (!p)
		return 0;
	p += strlen(prefix);
	while (n < 64 && ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f')))
		n++;
	if (n != 64 || (p[n] && p[n] != '.' && p[n] != '/'))
		return 0;
	memcpy(id, p, 12);
	id[12] = '\0';
	return 1;
}

void cgroup_label(const char *path, char *buf, size_t len)
{
	static const struct {
		const char *prefix, *runtime;
	} runtimes[] = {
		{ "docker-", "docker" },  /* systemd driver: docker-<id>.scope */
		{ "/docker/", "docker" }, /* cgroupfs driver */
		{ "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" },
		{ "libpod-", "podman" },
	};
	const char *last, *end;
	char id[13];

	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++) {
		if (container_id(path, runtimes[i].prefix, id)) {
			snprintf(buf, len, "%s:%s", runtimes[i].runtime, id);
			return;
		}
	}
	/* The innermost systemd unit: the last component that names one. */
	buf[0] = '\0';
	for (const char *p = path; (p = strchr(p, '/')); p++) {
		last = p + 1;
		end = strchr(last, '/');
		if (!end)
			end = last + strlen(last);
		if ((end - last > 8 && !strncmp(end - 8, ".service", 8)) ||
		    (end - last > 6 && !strncmp(end - 6, ".scope", 6)) ||
		    (end - last > 6 && !strncmp(end - 6, ".slice", 6)))
			snprintf(buf, len, "%.*s", (int)(end - last), last);
	}
}
