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
	kc->read = calloc(n, sizeof(*kc->read));
	kc->base = calloc(n, sizeof(*kc->base));
	if (!kc->read || !kc->base) {
		key_cache_unmap(kc);
		return -ENOMEM;
	}
	return 0;
}

void key_cache_unmap(struct key_cache *kc)
{
	if (kc->n)
		munmap(kc->entries, kc->len);
	free(kc->read);
	free(kc->base);
	free(kc->in_hash);
	memset(kc, 0, sizeof(*kc));
}

/* One (key, count) pair of the merge; the key as the map lays it out. */
struct keyed {
	unsigned char key[KEY_CACHE_MAX_KEY];
	__u64 count;
	bool in_hash;
};

_Static_assert(sizeof(struct proc_key) <= KEY_CACHE_MAX_KEY &&
		       sizeof(struct cgroup_key) <= KEY_CACHE_MAX_KEY,
	       "a key of the hash fits struct keyed");

static int cmp_keyed(const void *a, const void *b)
{
	return memcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key,
		      KEY_CACHE_MAX_KEY);
}

/* The cache entry @ce as a key of the hash's layout (proc_key or cgroup_key). */
static void key_of(const struct key_cache_entry *ce, size_t key_size, unsigned char *key)
{
	memset(key, 0, KEY_CACHE_MAX_KEY);
	if (key_size == sizeof(struct proc_key)) {
		struct proc_key k = { .tgid = (__u32)ce->id, .slot = ce->slot };

		memcpy(key, &k, sizeof(k));
	} else {
		struct cgroup_key k = { .cgid = ce->id, .slot = ce->slot };

		memcpy(key, &k, sizeof(k));
	}
}

/*
 * The hash's entries and the cache's in-use ones, sorted by key, duplicates added up; each
 * cache entry's count as read goes to kc->read (for key_cache_forget()).
 */
static size_t collect(struct key_cache *kc, const struct map_entries *e, int ncpus,
		      struct keyed *all)
{
	size_t n = 0, m = 0;

	for (size_t i = 0; i < e->n; i++, n++) {
		memset(all[n].key, 0, KEY_CACHE_MAX_KEY);
		memcpy(all[n].key, (char *)e->keys + i * e->key_size, e->key_size);
		all[n].count = percpu_sum((const __u64 *)e->values + i * ncpus, ncpus);
		all[n].in_hash = true;
	}
	for (size_t i = 0; i < kc->n; i++) {
		const struct key_cache_entry *ce = &kc->entries[i];
		/* The id first: a claim writes it last (see key_cache_inc()). */
		__u64 id = __atomic_load_n(&ce->id, __ATOMIC_ACQUIRE);
		__u64 count = id ? __atomic_load_n(&ce->count, __ATOMIC_RELAXED) : 0;

		kc->read[i] = count;
		if (count <= kc->base[i])
			continue;
		key_of(ce, e->key_size, all[n].key);
		all[n].in_hash = false;
		all[n++].count = count - kc->base[i];
	}
	qsort(all, n, sizeof(*all), cmp_keyed);
	for (size_t i = 0; i < n; i++) {
		if (m && !memcmp(all[m - 1].key, all[i].key, KEY_CACHE_MAX_KEY)) {
			all[m - 1].count += all[i].count;
			all[m - 1].in_hash |= all[i].in_hash;
		} else {
			all[m++] = all[i];
		}
	}
	return m;
}

/* Room for @n flags in kc->in_hash. */
static int reserve_in_hash(struct key_cache *kc, size_t n)
{
	bool *in_hash;

	if (n <= kc->in_hash_cap)
		return 0;
	in_hash = realloc(kc->in_hash, n * sizeof(*in_hash));
	if (!in_hash)
		return -ENOMEM;
	kc->in_hash = in_hash;
	kc->in_hash_cap = n;
	return 0;
}

int key_cache_merge(struct key_cache *kc, struct map_entries *e, int ncpus)
{
	struct keyed *all;
	size_t n;
	int err;

	if (!kc->n)
		return 0;
	if (e->key_size > KEY_CACHE_MAX_KEY)
		return -EINVAL;
	all = malloc((e->n + kc->n) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	n = collect(kc, e, ncpus, all);
	err = map_entries_reserve(e, n > e->n ? n - e->n : 0) ?: reserve_in_hash(kc, n);
	for (size_t i = 0; !err && i < n; i++) {
		__u64 *v = (__u64 *)e->values + i * ncpus;

		memcpy((char *)e->keys + i * e->key_size, all[i].key, e->key_size);
		memset(v, 0, ncpus * sizeof(*v));
		v[0] = all[i].count;
		kc->in_hash[i] = all[i].in_hash;
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
 * its own count after ours. The count is checked right before: if it grew since the merge,
 * a new process with the dead one's pid counts there, and the entry stays, its reported part
 * as baseline. (A call of that new process between the check and the release store is lost:
 * a window of two stores, only when a pid is reused within one read.)
 */
void key_cache_forget(struct key_cache *kc, const __u32 *dead, size_t ndead)
{
	for (size_t i = 0; ndead && i < kc->n; i++) {
		struct key_cache_entry *ce = &kc->entries[i];
		__u32 tgid = (__u32)__atomic_load_n(&ce->id, __ATOMIC_RELAXED);

		if (!tgid || !kc->read[i] || !bsearch(&tgid, dead, ndead, sizeof(*dead), cmp_u32))
			continue;
		if (__atomic_load_n(&ce->count, __ATOMIC_RELAXED) != kc->read[i]) {
			kc->base[i] = kc->read[i];
			continue;
		}
		ce->count = 0;
		__atomic_store_n(&ce->id, 0, __ATOMIC_RELEASE);
		kc->base[i] = 0;
	}
}

size_t key_cache_in_use(const struct key_cache *kc)
{
	size_t n = 0;

	for (size_t i = 0; i < kc->n; i++)
		n += __atomic_load_n(&kc->entries[i].id, __ATOMIC_RELAXED) != 0;
	return n;
}
