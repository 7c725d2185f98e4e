/* SPDX-License-Identifier: GPL-2.0 */
/* -P and -C: reading the per-CPU key cache the program counts in before its hash (user side). */
#ifndef __KEY_CACHE_H
#define __KEY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "syscall_counter.h"
#include "map_batch.h"

/* The largest key the merge handles (struct proc_key, struct cgroup_key). */
#define KEY_CACHE_MAX_KEY 16

/* The cache map, mapped into memory: every CPU's KEY_CACHE_SLOTS entries in a row. */
struct key_cache {
	struct key_cache_entry *entries;
	size_t n;   /* entries (CPUs × KEY_CACHE_SLOTS); 0: no cache */
	size_t len; /* bytes mapped */
	/* Per entry: its count at the last merge (0: not read), and counts already reported. */
	__u64 *read;
	__u64 *base;
	/* Per key of the last merge (in its order): whether the hash holds it too. */
	bool *in_hash;
	size_t in_hash_cap;
};

int key_cache_map(struct key_cache *kc, int fd, size_t n);
void key_cache_unmap(struct key_cache *kc);
/*
 * Adds the cached counts to @e, a read of the per-CPU hash in front of which the cache counts
 * (keys: struct proc_key or struct cgroup_key, by @e->key_size; values: @ncpus u64), one entry
 * per key: each value's sum is left in its first CPU's place, the others zero. Remembers what
 * it read of each entry for key_cache_forget(), and which keys are in the hash.
 */
int key_cache_merge(struct key_cache *kc, struct map_entries *e, int ncpus);
/*
 * Frees the entries of the processes in @dead (sorted) that the last merge read, whose counts
 * were reported: only if unchanged since (else their pid is reused: the entry stays, what was
 * reported becomes its baseline). An entry claimed after the merge stays.
 */
void key_cache_forget(struct key_cache *kc, const __u32 *dead, size_t ndead);
/* Entries in use (for the health line). */
size_t key_cache_in_use(const struct key_cache *kc);

#endif /* __KEY_CACHE_H */
