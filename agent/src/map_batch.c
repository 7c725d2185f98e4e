// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "map_batch.h"

#define BATCH 4096

int map_entries_reserve(struct map_entries *e, size_t more)
{
	size_t cap = e->cap ? e->cap : BATCH;
	void *keys, *values;

	if (e->n + more <= e->cap)
		return 0;
	while (cap < e->n + more)
		cap *= 2;
	keys = realloc(e->keys, cap * e->key_size);
	if (!keys)
		return -ENOMEM;
	e->keys = keys;
	values = realloc(e->values, cap * e->value_size);
	if (!values)
		return -ENOMEM;
	e->values = values;
	e->cap = cap;
	return 0;
}

/* One lookup per key: for kernels without batch operations on this map type. */
static int read_per_key(int fd, struct map_entries *e)
{
	char key[64], next[64];
	void *prev = NULL;

	if (e->key_size > sizeof(key))
		return -E2BIG;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, e->key_size);
		prev = key;
		if (map_entries_reserve(e, 1))
			return -ENOMEM;
		if (bpf_map_lookup_elem(fd, key, (char *)e->values + e->n * e->value_size))
			continue;
		memcpy((char *)e->keys + e->n * e->key_size, key, e->key_size);
		e->n++;
	}
	return 0;
}

int map_read_all(int fd, size_t key_size, size_t value_size, struct map_entries *out)
{
	/* The cursor is opaque to user space; a 64-bit one fits every hash map's. */
	__u64 in_batch, out_batch;
	void *in = NULL;
	__u32 count;
	int err;

	if (out->key_size != key_size || out->value_size != value_size) {
		map_entries_free(out);
		out->key_size = key_size;
		out->value_size = value_size;
	}
	out->n = 0;
	do {
		if (map_entries_reserve(out, BATCH))
			return -ENOMEM;
		count = BATCH;
		err = bpf_map_lookup_batch(fd, in, &out_batch,
					   (char *)out->keys + out->n * key_size,
					   (char *)out->values + out->n * value_size, &count, NULL);
		if (err && err != -ENOENT) {
			if (!in && (err == -EINVAL || err == -ENOTSUP || err == -EOPNOTSUPP))
				return read_per_key(fd, out);
			return err;
		}
		out->n += count;
		in_batch = out_batch;
		in = &in_batch;
	} while (!err);
	return 0;
}

int percpu_array_read(int fd, __u32 n, int ncpus, __u64 *out)
{
	struct map_entries e = {};
	int err = map_read_all(fd, sizeof(__u32), ncpus * sizeof(__u64), &e);

	memset(out, 0, n * sizeof(*out));
	for (size_t i = 0; !err && i < e.n; i++) {
		__u32 key = ((__u32 *)e.keys)[i];

		if (key < n)
			out[key] = percpu_sum((__u64 *)e.values + i * ncpus, ncpus);
	}
	map_entries_free(&e);
	return err;
}

int map_delete_keys(int fd, const void *keys, size_t key_size, size_t n)
{
	for (size_t done = 0; done < n;) {
		__u32 count = n - done < BATCH ? n - done : BATCH;
		int err = bpf_map_delete_batch(fd, (const char *)keys + done * key_size, &count,
					       NULL);

		/* A key already gone (-ENOENT) stops a batch: skip it and go on. */
		if (err && err != -ENOENT)
			return err;
		done += err ? count + 1 : count;
	}
	return 0;
}

void map_entries_free(struct map_entries *e)
{
	free(e->keys);
	free(e->values);
	e->keys = e->values = NULL;
	e->n = e->cap = 0;
}
