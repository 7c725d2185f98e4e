/* SPDX-License-Identifier: GPL-2.0 */
/* -P and -C: reading the per-CPU key cache the program counts in before its hash (user side). */
#ifndef __KEY_CACHE_H
#define __KEY_CACHE_H

#include <stddef.h>
#include <linux/types.h>
#include "syscall_counter.h"
#include "map_batch.h"

/* The cache map, mapped into memory: every CPU's KEY_CACHE_SLOTS entries in a row. */
struct key_cache {
	struct key_cache_entry *entries;
	size_t n;   /* entries (CPUs × KEY_CACHE_SLOTS); 0: no cache */
	size_t len; /* bytes mapped */
};

int key_cache_map(struct key_cache *kc, int fd, size_t n);
void key_cache_unmap(struct key_cache *kc);
/*
 * Adds the cached counts to @e, a read of the per-CPU hash in front of which the cache counts
 * (keys: struct proc_key or struct cgroup_key, by @e->key_size; values: @ncpus u64), one entry
 * per key: each value's sum is left in its first CPU's place, the others zero.
 */
int key_cache_merge(const struct key_cache *kc, struct map_entries *e, int ncpus);
/* Frees the entries of the processes in @dead (sorted), whose counts were read after they died. */
void key_cache_forget(struct key_cache *kc, const __u32 *dead, size_t ndead);

#endif /* __KEY_CACHE_H */
