/* SPDX-License-Identifier: GPL-2.0 */
/* Streaming breakdowns: which processes or cgroups are among an interval's K busiest. */
#ifndef __TOPK_H
#define __TOPK_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct key_total {
	__u64 key;   /* a tgid or a cgroup id */
	__u64 total; /* its calls in the interval */
};

/* Sorts @totals busiest first (ties by key) and returns how many of the first @k made calls. */
size_t topk_select(struct key_total *totals, size_t m, size_t k);
bool topk_has(const struct key_total *top, size_t k, __u64 key);

#endif /* __TOPK_H */
