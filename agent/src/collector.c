// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "collector.h"
#include "syscall_counter.skel.h"

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

static int read_percpu_array(struct collector *c, int fd, __u32 n, __u64 *out);

static int attach(struct collector *c, struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach(prog);

	if (!link)
		return -errno;
	c->links[c->nr_links++] = link;
	return 0;
}

int collector_open(struct collector *c, const struct collector_opts *opts)
{
	struct syscall_counter_bpf *skel;
	struct bpf_program *count_prog = NULL;
	struct bpf_map *counts_map = NULL;
	/* Tests override the kernel's configuration (e.g. no ia32 emulation). */
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .kconfig = opts->kconfig);
	int err;

	memset(c, 0, sizeof(*c));
	c->mode = opts->mode;
	c->counts_fd = -1;
	c->cgroup_fd = -1;

	skel = syscall_counter_bpf__open_opts(&open_opts);
	if (!skel)
		return -errno;
	c->skel = skel;

	skel->rodata->targ_tgid = opts->targ_tgid;
	skel->rodata->targ_tid = opts->targ_tid;
	if (opts->comm) {
		skel->rodata->filter_comm = true;
		strncpy((char *)skel->rodata->targ_comm, opts->comm, COMM_LEN - 1);
	}
	skel->rodata->filter_uid = opts->filter_uid;
	skel->rodata->targ_uid = opts->uid;
	if (opts->syscall_bits) {
		skel->rodata->filter_syscalls = true;
		memcpy((void *)skel->rodata->syscall_bits, opts->syscall_bits, SLOT_BITMAP_BYTES);
	}
	skel->rodata->follow_tracked = opts->follow;

	skel->rodata->targ_errno = opts->targ_errno;
	switch (opts->per_process ? -1 :
		opts->failed_only ? -2 :
		opts->per_cgroup  ? -3 :
				    (int)opts->mode) {
	case -3:
		count_prog = skel->progs.count_per_cgroup;
		c->per_cgroup = true;
		break;
	case -1:
		count_prog = skel->progs.count_per_process;
		c->per_process = true;
		break;
	case -2:
		count_prog = skel->progs.count_failed;
		counts_map = skel->maps.counts_percpu;
		c->percpu = true;
		break;
	case MAP_PERCPU:
		count_prog = skel->progs.count_percpu;
		counts_map = skel->maps.counts_percpu;
		c->percpu = true;
		break;
	case MAP_HASH:
		count_prog = skel->progs.count_hash;
		counts_map = skel->maps.counts_hash;
		break;
	case MAP_PERCPU_HASH:
		count_prog = skel->progs.count_percpu_hash;
		counts_map = skel->maps.counts_percpu_hash;
		c->percpu = true;
		break;
	case MAP_EMPTY:
		count_prog = skel->progs.count_empty;
		break;
	}

	/* Load only the program of the chosen mode, and only the maps it uses. */
	bpf_program__set_autoload(skel->progs.count_percpu, count_prog == skel->progs.count_percpu);
	bpf_program__set_autoload(skel->progs.count_hash, count_prog == skel->progs.count_hash);
	bpf_program__set_autoload(skel->progs.count_percpu_hash,
				  count_prog == skel->progs.count_percpu_hash);
	bpf_program__set_autoload(skel->progs.count_empty, count_prog == skel->progs.count_empty);
	bpf_program__set_autoload(skel->progs.count_per_process, c->per_process);
	bpf_program__set_autoload(skel->progs.count_failed, count_prog == skel->progs.count_failed);
	c->errors = opts->errors;
	bpf_program__set_autoload(skel->progs.count_errors, c->errors);
	bpf_map__set_autocreate(skel->maps.failed, c->errors);
	bpf_map__set_autocreate(skel->maps.errnos, c->errors);
	c->latency = opts->latency;
	/* The counting program stamps each call's entry: no sys_enter program of its own. */
	skel->rodata->time_calls = c->latency;
	bpf_program__set_autoload(skel->progs.lat_exit, c->latency);
	bpf_program__set_autoload(skel->progs.lat_thread_exit, c->latency);
	bpf_map__set_autocreate(skel->maps.inflight, c->latency);
	bpf_map__set_autocreate(skel->maps.lat_hist, c->latency);
	bpf_map__set_autocreate(skel->maps.lat_total_ns, c->latency);
	bpf_map__set_autocreate(skel->maps.lat_unreturned, c->latency);
	bpf_map__set_autocreate(skel->maps.proc_counts, c->per_process);
	bpf_map__set_autocreate(skel->maps.proc_comms, c->per_process);
	bpf_map__set_autocreate(skel->maps.unattributed, c->per_process || c->per_cgroup);
	bpf_program__set_autoload(skel->progs.count_per_cgroup, c->per_cgroup);
	bpf_map__set_autocreate(skel->maps.cgroup_counts, c->per_cgroup);
	skel->rodata->filter_cgroup = opts->cgroup != NULL;
	bpf_map__set_autocreate(skel->maps.cgroup_filter, opts->cgroup != NULL);
	if (c->per_cgroup && opts->proc_entries)
		bpf_map__set_max_entries(skel->maps.cgroup_counts, opts->proc_entries);
	if (c->per_process && opts->proc_entries) {
		bpf_map__set_max_entries(skel->maps.proc_counts, opts->proc_entries);
		bpf_map__set_max_entries(skel->maps.proc_comms, opts->proc_entries);
	}
	bpf_program__set_autoload(skel->progs.follow_fork, opts->follow);
	bpf_program__set_autoload(skel->progs.forget_exit, opts->follow);
	bpf_map__set_autocreate(skel->maps.counts_percpu, counts_map == skel->maps.counts_percpu);
	bpf_map__set_autocreate(skel->maps.counts_hash, counts_map == skel->maps.counts_hash);
	bpf_map__set_autocreate(skel->maps.counts_percpu_hash,
				counts_map == skel->maps.counts_percpu_hash);

	err = syscall_counter_bpf__load(skel);
	if (err)
		return err;

	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus < 0)
		return c->ncpus;
	c->keys = calloc(NR_SLOTS, sizeof(*c->keys));
	c->values = calloc((size_t)NR_SLOTS * c->ncpus, sizeof(*c->values));
	if (!c->keys || !c->values)
		return -ENOMEM;
	c->counts_fd = counts_map ? bpf_map__fd(counts_map) : -1;
	if (opts->cgroup) {
		__u32 zero = 0;

		c->cgroup_fd = open(opts->cgroup, O_RDONLY | O_DIRECTORY);
		if (c->cgroup_fd < 0)
			return -errno;
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.cgroup_filter), &zero, &c->cgroup_fd,
					BPF_ANY))
			return -errno;
	}
	if (c->per_process) {
		err = procs_init(&c->procs, bpf_map__fd(skel->maps.proc_counts),
				 bpf_map__fd(skel->maps.proc_comms),
				 bpf_map__fd(skel->maps.unattributed), c->ncpus,
				 bpf_map__max_entries(skel->maps.proc_counts));
		if (err)
			return err;
	}
	c->prog_fd = bpf_program__fd(count_prog);
	if (opts->no_attach)
		return 0;

	/* Followers first, so a fork between the two attaches is not missed. */
	if (opts->follow) {
		err = attach(c, skel->progs.follow_fork);
		if (!err)
			err = attach(c, skel->progs.forget_exit);
		if (err)
			return err;
	}
	if (c->errors) {
		err = attach(c, skel->progs.count_errors);
		if (err)
			return err;
	}
	/* Exit side first (the count program stamps entries), so no stamp goes unwatched. */
	if (c->latency) {
		err = attach(c, skel->progs.lat_thread_exit);
		if (!err)
			err = attach(c, skel->progs.lat_exit);
		if (err)
			return err;
	}
	return attach(c, count_prog);
}

int collector_track(struct collector *c, pid_t tgid)
{
	__u32 key = tgid;
	__u8 one = 1;

	return bpf_map_update_elem(bpf_map__fd(c->skel->maps.tracked), &key, &one, BPF_ANY);
}

static void add_values(struct collector *c, __u32 n, struct snapshot *snap)
{
	for (__u32 i = 0; i < n; i++) {
		__u32 key = c->keys[i];
		__u64 sum = 0;

		if (key >= NR_SLOTS)
			continue;
		if (c->percpu) {
			for (int cpu = 0; cpu < c->ncpus; cpu++)
				sum += c->values[(size_t)i * c->ncpus + cpu];
		} else {
			sum = c->values[i];
		}
		snap->slots[key] = sum;
	}
}

/* One lookup per key: for kernels without batch operations on this map type. */
static int read_per_key(struct collector *c, struct snapshot *snap)
{
	__u32 key, next, *prev = NULL;

	while (bpf_map_get_next_key(c->counts_fd, prev, &next) == 0) {
		key = next;
		if (bpf_map_lookup_elem(c->counts_fd, &key, c->values) == 0) {
			c->keys[0] = key;
			add_values(c, 1, snap);
		}
		prev = &key;
	}
	return 0;
}

int collector_read(struct collector *c, struct snapshot *snap)
{
	__u32 batch, count;
	void *in = NULL;
	int err;

	memset(snap, 0, sizeof(*snap));
	err = read_percpu_array(c, bpf_map__fd(c->skel->maps.compat_counts), NR_SLOTS,
				snap->compat);
	if (err)
		return err;
	if (c->per_process) {
		struct proc_counts rows;

		err = collector_read_procs(c, &rows, snap);
		procs_counts_free(&rows);
		return err;
	}
	if (c->per_cgroup) {
		struct cgroup_counts rows;

		err = collector_read_cgroups(c, &rows, snap->slots);
		free(rows.rows);
		return err;
	}
	if (c->counts_fd < 0)
		return 0;
	/* One bpf() call per snapshot instead of one per slot. */
	do {
		count = NR_SLOTS;
		err = bpf_map_lookup_batch(c->counts_fd, in, &batch, c->keys, c->values, &count,
					   NULL);
		if (err && err != -ENOENT) {
			if (!in && (err == -EINVAL || err == -ENOTSUP || err == -EOPNOTSUPP))
				return read_per_key(c, snap);
			return err;
		}
		add_values(c, count, snap);
		in = &batch;
	} while (!err);
	return 0;
}

int collector_read_procs(struct collector *c, struct proc_counts *out, struct snapshot *snap)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (!c->per_process)
		return -EINVAL;
	err = read_percpu_array(c, bpf_map__fd(c->skel->maps.compat_counts), NR_SLOTS,
				snap->compat);
	return err ? err : procs_read(&c->procs, out, snap->slots);
}

int collector_read_errors(struct collector *c, __u64 *failed, struct errno_count **rows, size_t *n)
{
	int failed_fd = bpf_map__fd(c->skel->maps.failed),
	    errnos_fd = bpf_map__fd(c->skel->maps.errnos);
	struct errno_key key, next, *prev = NULL;
	__u64 value;
	size_t cap = 0;

	*rows = NULL;
	*n = 0;
	if (!c->errors)
		return -EINVAL;
	memset(failed, 0, NR_SLOTS * sizeof(*failed));
	/*
	 * Errnos first: calls failing while we read (our own bpf() calls, for one) then reach
	 * FAILED too, so the errnos of a syscall never add up to more than its FAILED.
	 */
	while (bpf_map_get_next_key(errnos_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(errnos_fd, &key, &value))
			continue;
		if (*n == cap) {
			struct errno_count *r =
				realloc(*rows, (cap = cap ? cap * 2 : 64) * sizeof(**rows));

			if (!r)
				return -ENOMEM;
			*rows = r;
		}
		(*rows)[(*n)++] =
			(struct errno_count){ .slot = key.slot, .err = key.err, .count = value };
	}
	return read_percpu_array(c, failed_fd, NR_SLOTS, failed);
}

/* Sums a per-CPU array of @n entries into @out, in batches. */
/* Sums entries [first, first + n) of a per-CPU array into @out, in batches. */
static int read_percpu_range(struct collector *c, int fd, __u32 first, __u32 n, __u64 *out)
{
	const __u32 chunk = n < 1024 ? n : 1024;
	__u32 *keys = calloc(chunk, sizeof(*keys));
	__u64 *values = calloc((size_t)chunk * c->ncpus, sizeof(*values));
	__u32 batch, count, done = 0, start = first - 1;
	/* A batch starts after the key in its cursor: none for the first entry. */
	void *in = first ? &start : NULL;
	int err = 0;

	if (!keys || !values) {
		err = -ENOMEM;
		goto out;
	}
	while (done < n) {
		count = chunk < n - done ? chunk : n - done;
		err = bpf_map_lookup_batch(fd, in, &batch, keys, values, &count, NULL);
		if (err && err != -ENOENT)
			goto out;
		for (__u32 i = 0; i < count; i++) {
			__u64 sum = 0;

			for (int cpu = 0; cpu < c->ncpus; cpu++)
				sum += values[(size_t)i * c->ncpus + cpu];
			if (keys[i] >= first && keys[i] - first < n)
				out[keys[i] - first] = sum;
		}
		done += count;
		in = &batch;
		if (err == -ENOENT || !count) {
			err = 0;
			break;
		}
	}
out:
	free(keys);
	free(values);
	return err;
}

static int read_percpu_array(struct collector *c, int fd, __u32 n, __u64 *out)
{
	return read_percpu_range(c, fd, 0, n, out);
}

int collector_read_latency(struct collector *c, const __u64 *counts, struct latency *out)
{
	int fd = bpf_map__fd(c->skel->maps.lat_hist), err;

	if (!c->latency)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	err = read_percpu_array(c, bpf_map__fd(c->skel->maps.lat_total_ns), NR_SLOTS,
				out->total_ns);
	if (!err)
		err = read_percpu_array(c, bpf_map__fd(c->skel->maps.lat_unreturned), NR_SLOTS,
					out->unreturned);
	/* Only the rows of syscalls that were called: a few dozen of the 1,026. */
	for (int slot = 0; !err && slot < NR_SLOTS; slot++)
		if (counts[slot])
			err = read_percpu_range(c, fd, slot * LAT_BUCKETS, LAT_BUCKETS,
						out->hist[slot]);
	return err;
}

int collector_read_cgroups(struct collector *c, struct cgroup_counts *out, __u64 *slots)
{
	int fd = bpf_map__fd(c->skel->maps.cgroup_counts),
	    ufd = bpf_map__fd(c->skel->maps.unattributed);
	struct cgroup_key key, next, *prev = NULL;
	size_t cap = 0;
	__u64 value;
	int err;

	memset(out, 0, sizeof(*out));
	memset(slots, 0, NR_SLOTS * sizeof(*slots));
	if (!c->per_cgroup)
		return -EINVAL;
	/* Cgroups are few and long-lived: one lookup per entry is cheap enough. */
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &value) || key.slot >= NR_SLOTS)
			continue;
		if (out->n == cap) {
			struct cgroup_row *rows =
				realloc(out->rows, (cap = cap ? cap * 2 : 256) * sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			out->rows = rows;
		}
		out->rows[out->n++] =
			(struct cgroup_row){ .cgid = key.cgid, .slot = key.slot, .count = value };
		slots[key.slot] += value;
	}
	err = read_percpu_array(c, ufd, NR_SLOTS, out->unattributed);
	if (err)
		return err;
	for (__u32 slot = 0; slot < NR_SLOTS; slot++)
		slots[slot] += out->unattributed[slot];
	return 0;
}

int collector_read_cgroup_snapshot(struct collector *c, struct cgroup_counts *out,
				   struct snapshot *snap)
{
	int err;

	memset(snap, 0, sizeof(*snap));
	memset(out, 0, sizeof(*out));
	err = read_percpu_array(c, bpf_map__fd(c->skel->maps.compat_counts), NR_SLOTS,
				snap->compat);
	return err ? err : collector_read_cgroups(c, out, snap->slots);
}

size_t collector_proc_capacity(struct collector *c)
{
	return bpf_map__max_entries(c->skel->maps.proc_counts);
}

int collector_health(struct collector *c, __u64 *insert_failed, __u64 *track_full, __u64 *comm_full,
		     __u64 *errno_full, __u64 *inflight_full, __u64 *recursion_misses)
{
	int fd = bpf_map__fd(c->skel->maps.health);
	__u64 sums[NR_HEALTH] = {};
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);

	for (__u32 k = 0; k < NR_HEALTH; k++) {
		if (bpf_map_lookup_elem(fd, &k, c->values))
			return -errno;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			sums[k] += c->values[cpu];
	}
	*insert_failed = sums[HEALTH_INSERT_FAILED];
	*track_full = sums[HEALTH_TRACK_FULL];
	*comm_full = sums[HEALTH_COMM_FULL];
	*errno_full = sums[HEALTH_ERRNO_FULL];
	*inflight_full = sums[HEALTH_INFLIGHT_FULL];
	/* Recursion misses are runs the kernel skipped: counts lost if non-zero. */
	if (bpf_obj_get_info_by_fd(c->prog_fd, &info, &info_len))
		return -errno;
	*recursion_misses = info.recursion_misses;
	return 0;
}

void collector_close(struct collector *c)
{
	for (int i = 0; i < c->nr_links; i++)
		bpf_link__destroy(c->links[i]);
	syscall_counter_bpf__destroy(c->skel);
	procs_free(&c->procs);
	if (c->skel && c->cgroup_fd >= 0)
		close(c->cgroup_fd);
	free(c->keys);
	free(c->values);
	memset(c, 0, sizeof(*c));
}
