// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include "topk.h"

static int by_total_desc(const void *a, const void *b)
{
	const struct key_total *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->key < y->key ? -1 : x->key > y->key;
}

size_t topk_select(struct key_total *totals, size_t m, size_t k)
{
	qsort(totals, m, sizeof(*totals), by_total_desc);
	if (k > m)
		k = m;
	while (k && !totals[k - 1].total)
		k--;
	return k;
}

bool topk_has(const struct key_total *top, size_t k, __u64 key)
{
	for (size_t i = 0; i < k; i++)
		if (top[i].key == key)
			return true;
	return false;
}
