// SPDX-License-Identifier: GPL-2.0
/* Reading the counters: totals, per process and cgroup, failures, latency and health. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "collector.h"
#include "map_batch.h"
#include "syscall_counter.skel.h"

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
	struct map_entries e = {};
	int err;

	memset(out, 0, sizeof(*out));
	memset(slots, 0, NR_SLOTS * sizeof(*slots));
	if (!c->per_cgroup)
		return -EINVAL;
	/* Every (cgroup, syscall) entry in a few batches, each value summed over the CPUs. */
	err = map_read_all(fd, sizeof(struct cgroup_key), c->ncpus * sizeof(__u64), &e);
	/* After the map, the cache in front of it (a count is in one or the other, for good). */
	err = err ?: key_cache_merge(&c->kcache, &e, c->ncpus);
	out->rows = err ? NULL : calloc(e.n ? e.n : 1, sizeof(*out->rows));
	if (!err && !out->rows)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < e.n; i++) {
		const struct cgroup_key *key = (const struct cgroup_key *)e.keys + i;
		__u64 value = percpu_sum((const __u64 *)e.values + i * c->ncpus, c->ncpus);

		if (key->slot >= NR_SLOTS)
			continue;
		out->rows[out->n++] =
			(struct cgroup_row){ .cgid = key->cgid, .slot = key->slot, .count = value };
		slots[key->slot] += value;
	}
	map_entries_free(&e);
	err = err ?: read_percpu_array(c, ufd, NR_SLOTS, out->unattributed);
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
