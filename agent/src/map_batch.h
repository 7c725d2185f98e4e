/* SPDX-License-Identifier: GPL-2.0 */
/* Whole-map reads in batches: a snapshot costs O(entries / batch) bpf() calls, not one per key. */
#ifndef __MAP_BATCH_H
#define __MAP_BATCH_H

#include <stddef.h>
#include <linux/types.h>

/* Every entry of a map, keys and values side by side (a value is ncpus × 8 bytes when per CPU). */
struct map_entries {
	void *keys;
	void *values;
	size_t n, cap;
	size_t key_size, value_size;
};

/*
 * Reads every entry of the hash map @fd (keys of @key_size, values of @value_size bytes,
 * all CPUs' for a per-CPU map) into @out, which is reset first and grows as needed.
 */
int map_read_all(int fd, size_t key_size, size_t value_size, struct map_entries *out);
/* Entries 0..@n-1 of the per-CPU u64 array @fd, each summed over its @ncpus CPUs, into @out. */
int percpu_array_read(int fd, __u32 n, int ncpus, __u64 *out);
/* Deletes @n keys of @key_size bytes from @fd, in batches. */
int map_delete_keys(int fd, const void *keys, size_t key_size, size_t n);
/* Room for @more entries beyond @e->n. */
int map_entries_reserve(struct map_entries *e, size_t more);
void map_entries_free(struct map_entries *e);

/* The sum over @ncpus CPUs of a per-CPU u64 value. */
static inline __u64 percpu_sum(const __u64 *v, int ncpus)
{
	__u64 sum = 0;

	for (int cpu = 0; cpu < ncpus; cpu++)
		sum += v[cpu];
	return sum;
}

#endif /* __MAP_BATCH_H */
