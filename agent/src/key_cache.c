// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "key_cache.h"

int key_cache_map(struct key_cache *kc, int fd, size_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (n * sizeof(struct key_cache_entry) + page - 1) / page * page;
	void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (mem == MAP_FAILED)
		return -errno;
	*kc = (struct key_cache){ .entries = mem, .n = n, .len = len };
	return 0;
}

void key_cache_unmap(struct key_cache *kc)
{
	if (kc->n)
		munmap(kc->entries, kc->len);
	memset(kc, 0, sizeof(*kc));
}

/* One (key, count) pair of the merge; the key as the map lays it out. */
struct keyed {
	unsigned char key[16];
	__u64 count;
};

static int cmp_keyed(const void *a, const void *b)
{
	return memcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key, 16);
}

/* The cache entry @ce as a key of the hash's layout (proc_key or cgroup_key). */
static void key_of(const struct key_cache_entry *ce, size_t key_size, unsigned char *key)
{
	memset(key, 0, 16);
	if (key_size == sizeof(struct proc_key)) {
		struct proc_key k = { .tgid = (__u32)ce->id, .slot = ce->slot };

		memcpy(key, &k, sizeof(k));
	} else {
		struct cgroup_key k = { .cgid = ce->id, .slot = ce->slot };

		memcpy(key, &k, sizeof(k));
	}
}

/* The hash's entries and the cache's in-use ones, sorted by key, duplicates added up. */
static size_t collect(const struct key_cache *kc, const struct map_entries *e, int ncpus,
		      struct keyed *all)
{
	size_t n = 0, m = 0;

	for (size_t i = 0; i < e->n; i++, n++) {
		memset(all[n].key, 0, 16);
		memcpy(all[n].key, (char *)e->keys + i * e->key_size, e->key_size);
		all[n].count = percpu_sum((const __u64 *)e->values + i * ncpus, ncpus);
	}
	for (size_t i = 0; i < kc->n; i++) {
		const struct key_cache_entry *ce = &kc->entries[i];
		/* The id first: a claim writes it last (see key_cache_inc()). */
		__u64 id = __atomic_load_n(&ce->id, __ATOMIC_ACQUIRE);

		if (!id || !ce->count)
			continue;
		key_of(ce, e->key_size, all[n].key);
		all[n++].count = ce->count;
	}
	qsort(all, n, sizeof(*all), cmp_keyed);
	for (size_t i = 0; i < n; i++) {
		if (m && !memcmp(all[m - 1].key, all[i].key, 16))
			all[m - 1].count += all[i].count;
		else
			all[m++] = all[i];
	}
	return m;
}

int key_cache_merge(const struct key_cache *kc, struct map_entries *e, int ncpus)
{
	struct keyed *all;
	size_t n;
	int err;

	if (!kc->n || e->key_size > 16)
		return 0;
	all = malloc((e->n + kc->n) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	n = collect(kc, e, ncpus, all);
	err = map_entries_reserve(e, n > e->n ? n - e->n : 0);
	for (size_t i = 0; !err && i < n; i++) {
		__u64 *v = (__u64 *)e->values + i * ncpus;

		memcpy((char *)e->keys + i * e->key_size, all[i].key, e->key_size);
		memset(v, 0, ncpus * sizeof(*v));
		v[0] = all[i].count;
	}
	if (!err)
		e->n = n;
	free(all);
	return err;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The count first, then the id (a release store): a program on that CPU either still sees
 * the dead process's id and leaves the entry alone, or sees it free and claims it, writing
 * its own count after ours.
 */
void key_cache_forget(struct key_cache *kc, const __u32 *dead, size_t ndead)
{
	for (size_t i = 0; ndead && i < kc->n; i++) {
		struct key_cache_entry *ce = &kc->entries[i];
		__u32 tgid = (__u32)ce->id;

		if (!ce->id || !bsearch(&tgid, dead, ndead, sizeof(*dead), cmp_u32))
			continue;
		ce->count = 0;
		__atomic_store_n(&ce->id, 0, __ATOMIC_RELEASE);
	}
}
