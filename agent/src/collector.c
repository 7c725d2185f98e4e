// SPDX-License-Identifier: GPL-2.0
/*
 * The loader: opens the BPF object, sets the filters in rodata, loads only the
 * programs and maps the chosen counting mode and features use, and attaches them.
 * Modes and features are tables below: a new program or map is one more entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "collector.h"
#include "syscall_counter.skel.h"

#define MAX_SPEC_PROGS 3
#define MAX_SPEC_MAPS 4

/*
 * Programs (attached in this order) and maps of a counting mode or a feature. @sized
 * maps get --proc-entries entries when it is given.
 */
struct load_spec {
	const char *progs[MAX_SPEC_PROGS];
	const char *maps[MAX_SPEC_MAPS];
	const char *sized[MAX_SPEC_MAPS];
};

struct count_spec {
	struct load_spec load; /* progs[0] counts */
	const char *counts_map; /* read by collector_read(); NULL: none, or keyed by process/cgroup */
	bool percpu;		/* counts_map has a value per CPU */
};

static const struct count_spec count_specs[NR_COUNT_MODES] = {
	[COUNT_PERCPU] = {
		.load = { .progs = { "count_percpu" }, .maps = { "counts_percpu" } },
		.counts_map = "counts_percpu",
		.percpu = true,
	},
	[COUNT_HASH] = {
		.load = { .progs = { "count_hash" }, .maps = { "counts_hash" } },
		.counts_map = "counts_hash",
	},
	[COUNT_PERCPU_HASH] = {
		.load = { .progs = { "count_percpu_hash" }, .maps = { "counts_percpu_hash" } },
		.counts_map = "counts_percpu_hash",
		.percpu = true,
	},
	[COUNT_EMPTY] = {
		.load = { .progs = { "count_empty" } },
	},
	[COUNT_FAILED] = {
		.load = { .progs = { "count_failed" }, .maps = { "counts_percpu" } },
		.counts_map = "counts_percpu",
		.percpu = true,
	},
	[COUNT_PER_PROCESS] = {
		.load = {
			.progs = { "count_per_process" },
			.maps = { "proc_counts", "proc_comms", "unattributed", "key_cache" },
			.sized = { "proc_counts", "proc_comms" },
		},
	},
	[COUNT_PER_CGROUP] = {
		.load = {
			.progs = { "count_per_cgroup" },
			.maps = { "cgroup_counts", "unattributed", "key_cache" },
			.sized = { "cgroup_counts" },
		},
	},
};

/* What can come on top of any mode; attached in this order, before the counting program. */
enum feature {
	FEAT_FOLLOW, /* "-- CMD": the command and its descendants; forks first, so none is missed */
	FEAT_ERRORS, /* --errors */
	FEAT_LATENCY,	    /* --latency: exit side; the counting program stamps the entries */
	FEAT_CGROUP_FILTER, /* --cgroup: the helper's map, for tasks deep below the cgroup */
	NR_FEATURES,
};

static const struct load_spec feature_specs[NR_FEATURES] = {
	[FEAT_FOLLOW] = { .progs = { "follow_fork", "forget_exit" } },
	[FEAT_ERRORS] = { .progs = { "count_errors" }, .maps = { "failed", "errnos" } },
	[FEAT_LATENCY] = {
		.progs = { "lat_thread_exit", "lat_exit" },
		.maps = { "inflight", "lat_hist", "lat_total_ns", "lat_unreturned" },
	},
	[FEAT_CGROUP_FILTER] = { .maps = { "cgroup_filter" } },
};

static const char *const mode_names[] = {
	[MAP_PERCPU] = "percpu",
	[MAP_HASH] = "hash",
	[MAP_PERCPU_HASH] = "percpu-hash",
	[MAP_EMPTY] = "empty",
};

const char *map_mode_name(enum map_mode mode)
{
	return mode <= MAP_EMPTY ? mode_names[mode] : "?";
}

int map_mode_parse(const char *s, enum map_mode *mode)
{
	for (int i = 0; i <= MAP_EMPTY; i++) {
		if (!strcmp(s, mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

static enum count_mode count_mode_of(const struct collector_opts *o)
{
	if (o->per_process)
		return COUNT_PER_PROCESS;
	if (o->failed_only)
		return COUNT_FAILED;
	if (o->per_cgroup)
		return COUNT_PER_CGROUP;
	return (enum count_mode)o->mode;
}

static void features_of(const struct collector_opts *o, bool on[NR_FEATURES])
{
	on[FEAT_FOLLOW] = o->follow;
	on[FEAT_ERRORS] = o->errors;
	on[FEAT_LATENCY] = o->latency;
	on[FEAT_CGROUP_FILTER] = o->cgroup != NULL;
}

/*
 * --cgroup: the cgroup v2 id of @path (its inode number) and its depth below the root,
 * counted by walking ".." up to the top of the cgroup2 file system, so the program can
 * compare the task's ancestor at that depth (what bpf_current_task_under_cgroup() does).
 */
static int cgroup_target(const char *path, __u64 *id, __u32 *level)
{
	struct stat st, up;
	int fd = open(path, O_RDONLY | O_DIRECTORY), pfd, err = 0;

	if (fd < 0 || fstat(fd, &st))
		err = -errno;
	*id = st.st_ino;
	for (*level = 0; !err; (*level)++) {
		pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY);
		if (pfd < 0 || fstat(pfd, &up)) {
			err = -errno;
			break;
		}
		close(fd);
		fd = pfd;
		if (up.st_dev != st.st_dev || up.st_ino == st.st_ino)
			break;
		st = up;
	}
	if (fd >= 0)
		close(fd);
	return err;
}

/* -P, -C: whether they count in the key cache first (see key_cache in collector_opts). */
static bool key_cache_on(const struct collector_opts *o)
{
	if (!o->per_process && !o->per_cgroup)
		return false;
	return o->key_cache > 0 || (o->key_cache == 0 && !o->proc_entries);
}

/* The filters, in rodata: one bit each in "filters", their values beside it. */
static int set_filters(struct syscall_counter_bpf *skel, const struct collector_opts *o)
{
	__u32 f = 0;

	f |= o->targ_tgid ? F_TGID : 0;
	f |= o->targ_tid ? F_TID : 0;
	f |= o->excl_tgid ? F_EXCL : 0;
	f |= o->follow ? F_FOLLOW : 0;
	f |= o->filter_uid ? F_UID : 0;
	f |= o->comm ? F_COMM : 0;
	f |= o->syscall_bits ? F_SYSCALLS : 0;
	f |= o->cgroup ? F_CGROUP : 0;
	/* --latency: the counting program stamps each call's entry (no sys_enter program of its own). */
	f |= o->latency ? F_TIME : 0;
	f |= key_cache_on(o) ? F_KCACHE : 0;
	skel->rodata->filters = f;
	skel->rodata->targ_tgid = o->targ_tgid;
	skel->rodata->targ_tid = o->targ_tid;
	skel->rodata->excl_tgid = o->excl_tgid;
	if (o->comm)
		strncpy((char *)skel->rodata->targ_comm, o->comm, COMM_LEN - 1);
	skel->rodata->targ_uid = o->uid;
	if (o->syscall_bits)
		memcpy((void *)skel->rodata->syscall_bits, o->syscall_bits, SLOT_BITMAP_BYTES);
	skel->rodata->targ_errno = o->targ_errno;
	if (!o->cgroup)
		return 0;
	return cgroup_target(o->cgroup, (__u64 *)&skel->rodata->targ_cgid,
			     (__u32 *)&skel->rodata->targ_cglevel);
}

/* Turns the programs and maps of @spec on or off; sizes its sized maps to @entries if non-zero. */
static int apply_spec(struct bpf_object *obj, const struct load_spec *spec, bool on, __u32 entries)
{
	for (int i = 0; i < MAX_SPEC_PROGS && spec->progs[i]; i++) {
		struct bpf_program *prog = bpf_object__find_program_by_name(obj, spec->progs[i]);

		if (!prog || bpf_program__set_autoload(prog, on))
			return -ENOENT;
	}
	for (int i = 0; i < MAX_SPEC_MAPS && spec->maps[i]; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, spec->maps[i]);

		if (!map || bpf_map__set_autocreate(map, on))
			return -ENOENT;
	}
	for (int i = 0; on && entries && i < MAX_SPEC_MAPS && spec->sized[i]; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, spec->sized[i]);

		if (!map || bpf_map__set_max_entries(map, entries))
			return -ENOENT;
	}
	return 0;
}

/*
 * Every program is off unless the mode or a feature turns it on; the maps of the
 * tables are created only for theirs (the others, always). Off first, then on: some
 * maps belong to more than one mode.
 */
static int select_programs(struct bpf_object *obj, enum count_mode mode,
			   const bool features[NR_FEATURES], __u32 entries)
{
	struct bpf_program *prog;
	int err = 0;

	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, false);
	for (int m = 0; !err && m < NR_COUNT_MODES; m++)
		err = apply_spec(obj, &count_specs[m].load, false, 0);
	for (int f = 0; !err && f < NR_FEATURES; f++)
		err = apply_spec(obj, &feature_specs[f], false, 0);
	for (int f = 0; !err && f < NR_FEATURES; f++)
		if (features[f])
			err = apply_spec(obj, &feature_specs[f], true, entries);
	return err ? err : apply_spec(obj, &count_specs[mode].load, true, entries);
}

static int attach(struct collector *c, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(c->skel->obj, name);
	struct bpf_link *link;

	if (!prog)
		return -ENOENT;
	if (c->nr_links == (int)(sizeof(c->links) / sizeof(c->links[0])))
		return -E2BIG;
	link = bpf_program__attach(prog);
	if (!link)
		return -errno;
	c->links[c->nr_links++] = link;
	return 0;
}

/* The programs of @spec, in table order. */
static int attach_spec(struct collector *c, const struct load_spec *spec)
{
	int err = 0;

	for (int i = 0; !err && i < MAX_SPEC_PROGS && spec->progs[i]; i++)
		err = attach(c, spec->progs[i]);
	return err;
}

/* The features' programs first (their order is in their comments), the counting program last. */
static int attach_all(struct collector *c, const bool features[NR_FEATURES])
{
	int err;

	for (int f = 0; f < NR_FEATURES; f++) {
		if (!features[f])
			continue;
		err = attach_spec(c, &feature_specs[f]);
		if (err)
			return err;
	}
	return attach_spec(c, &count_specs[c->count_mode].load);
}

/* --cgroup: the directory goes in the cgroup array the helper checks against (it holds a ref). */
static int set_cgroup_filter(struct collector *c, const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY), err = 0;
	__u32 zero = 0;

	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.cgroup_filter), &zero, &fd, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

/* After load: the buffers reads use, and the state of the chosen mode. */
static int prepare_reads(struct collector *c, const struct collector_opts *o)
{
	const struct count_spec *spec = &count_specs[c->count_mode];
	struct syscall_counter_bpf *skel = c->skel;
	int err;

	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus < 0)
		return c->ncpus;
	c->keys = calloc(NR_SLOTS, sizeof(*c->keys));
	c->values = calloc((size_t)NR_SLOTS * c->ncpus, sizeof(*c->values));
	if (!c->keys || !c->values)
		return -ENOMEM;
	c->percpu = spec->percpu;
	if (spec->counts_map)
		c->counts_fd =
			bpf_map__fd(bpf_object__find_map_by_name(skel->obj, spec->counts_map));
	if (o->cgroup) {
		err = set_cgroup_filter(c, o->cgroup);
		if (err)
			return err;
	}
	if (key_cache_on(o)) {
		err = key_cache_map(&c->kcache, bpf_map__fd(skel->maps.key_cache),
				    bpf_map__max_entries(skel->maps.key_cache));
		if (err)
			return err;
	}
	if (!c->per_process)
		return 0;
	err = procs_init(&c->procs, bpf_map__fd(skel->maps.proc_counts),
			 bpf_map__fd(skel->maps.proc_comms), bpf_map__fd(skel->maps.unattributed),
			 c->ncpus, bpf_map__max_entries(skel->maps.proc_counts));
	c->procs.cache = &c->kcache;
	return err;
}

/* -P, -C: the key cache gets KEY_CACHE_SLOTS entries for each possible CPU. */
static int size_key_cache(struct syscall_counter_bpf *skel)
{
	int ncpus = libbpf_num_possible_cpus();

	if (ncpus < 0)
		return ncpus;
	return bpf_map__set_max_entries(skel->maps.key_cache, ncpus * KEY_CACHE_SLOTS);
}

/*
 * The BPF program reads the kernel's configuration (CONFIG_IA32_EMULATION) at load time,
 * and libbpf refuses to load it when it finds none (/boot/config-*, /proc/config.gz). Then
 * the safe answer: 32-bit calls can happen, and the program checks for them.
 */
static const char *kconfig_fallback(void)
{
	struct utsname u;
	char path[128];

	if (!access("/proc/config.gz", R_OK))
		return NULL;
	if (!uname(&u) && snprintf(path, sizeof(path), "/boot/config-%s", u.release) > 0 &&
	    !access(path, R_OK))
		return NULL;
	return "CONFIG_IA32_EMULATION=y\n";
}

int collector_open(struct collector *c, const struct collector_opts *opts)
{
	/* Tests override the kernel's configuration (e.g. no ia32 emulation). */
	LIBBPF_OPTS(bpf_object_open_opts, open_opts,
		    .kconfig = opts->kconfig ? opts->kconfig : kconfig_fallback());
	bool features[NR_FEATURES];
	int err;

	memset(c, 0, sizeof(*c));
	c->mode = opts->mode;
	c->counts_fd = -1;
	c->count_mode = count_mode_of(opts);
	c->per_process = c->count_mode == COUNT_PER_PROCESS;
	c->per_cgroup = c->count_mode == COUNT_PER_CGROUP;
	c->errors = opts->errors;
	c->latency = opts->latency;
	features_of(opts, features);

	c->skel = syscall_counter_bpf__open_opts(&open_opts);
	if (!c->skel)
		return -errno;
	err = set_filters(c->skel, opts);
	if (!err)
		err = select_programs(c->skel->obj, c->count_mode, features, opts->proc_entries);
	if (!err && (c->per_process || c->per_cgroup))
		err = size_key_cache(c->skel);
	if (!err)
		err = syscall_counter_bpf__load(c->skel);
	if (!err)
		err = prepare_reads(c, opts);
	if (err)
		return err;
	c->prog_fd = bpf_program__fd(bpf_object__find_program_by_name(
		c->skel->obj, count_specs[c->count_mode].load.progs[0]));
	return opts->no_attach ? 0 : attach_all(c, features);
}

int collector_track(struct collector *c, pid_t tgid)
{
	__u32 key = tgid;
	__u8 one = 1;

	return bpf_map_update_elem(bpf_map__fd(c->skel->maps.tracked), &key, &one, BPF_ANY);
}

void collector_close(struct collector *c)
{
	for (int i = 0; i < c->nr_links; i++)
		bpf_link__destroy(c->links[i]);
	syscall_counter_bpf__destroy(c->skel);
	procs_free(&c->procs);
	key_cache_unmap(&c->kcache);
	free(c->keys);
	free(c->values);
	memset(c, 0, sizeof(*c));
}
