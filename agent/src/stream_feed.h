/* SPDX-License-Identifier: GPL-2.0 */
/* --server: the stream to the control plane, fed with snapshots read from the collector. */
#ifndef __STREAM_FEED_H
#define __STREAM_FEED_H

#include <stdbool.h>
#include "options.h"
#include "collector.h"

struct stream_feed;

/* Reads the credentials, says where it streams, connects; NULL (and a message) on failure. */
struct stream_feed *stream_feed_open(const struct agent_opts *o, struct collector *coll,
				     const char *scope);
/* Reads the counters and queues a snapshot; -P/-C add the interval's busiest processes/cgroups. */
int stream_feed_push(struct stream_feed *f, bool final);
/* The counts the final snapshot carried, so the final report prints the same read; NULL if none. */
const struct snapshot *stream_feed_final(const struct stream_feed *f);
/* Drives gRPC for at most @timeout_ms (see stream_poll). */
void stream_feed_poll(struct stream_feed *f, int timeout_ms);
/* Snapshots queued and not yet acked; 0 without a feed. */
size_t stream_feed_unacked(const struct stream_feed *f);
/* Why the control plane refused the run for good; NULL while it has not (or without a feed). */
const char *stream_feed_fatal(const struct stream_feed *f);
void stream_feed_free(struct stream_feed *f);

#endif /* __STREAM_FEED_H */
