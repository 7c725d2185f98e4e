/* SPDX-License-Identifier: GPL-2.0 */
/* Packing the agent's CollectRequest messages (collector.proto). */
#ifndef __STREAM_MSG_H
#define __STREAM_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stream.h"

/* What a snapshot message carries besides the counts. */
struct snapshot_head {
	const char *run_id;
	uint64_t seq;
	uint64_t time_ms;
	bool final;
};

/* A CollectRequest holding the Hello, malloc'ed; NULL when out of memory. */
uint8_t *pack_hello(const struct stream_hello *h, size_t *len);
/* A CollectRequest holding the snapshot, malloc'ed; NULL with -errno in @err on failure. */
uint8_t *pack_snapshot(const struct snapshot_head *head, const struct snapshot *snap,
		       const struct stream_detail *detail, size_t *len, int *err);

#endif /* __STREAM_MSG_H */
