/* SPDX-License-Identifier: GPL-2.0 */
/* For stream.c and stream_call.c only: the state of a stream and of its gRPC call. */
#ifndef __STREAM_INT_H
#define __STREAM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <grpc/grpc.h>
#include "stream.h"
#include "stream_servers.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
/* A stream that takes this long to ack is presumed dead (a silent network). */
#define ACK_TIMEOUT_MS 30000

enum op { OP_START, OP_SEND, OP_RECV, OP_STATUS, NR_OPS };

struct call;

struct tag {
	struct call *call;
	enum op op;
};

/* One Collect call; freed once all its operations have completed. */
struct call {
	grpc_call *call;
	struct tag tags[NR_OPS];
	int outstanding;
	bool dead;
	bool welcomed;
	grpc_metadata auth;
	grpc_metadata_array initial_md;
	grpc_metadata_array trailing_md;
	grpc_status_code status;
	grpc_slice details;
	const char *error_string;
	grpc_byte_buffer *send_buf;
	grpc_byte_buffer *recv_buf;
};

struct pending {
	uint64_t seq;
	uint8_t *data; /* a packed CollectRequest */
	size_t len;
};

struct stream {
	struct stream_opts opts;
	grpc_completion_queue *cq;
	struct servers servers; /* the replicas; the call uses the current one */
	struct call *cur;
	struct pending *q;	       /* ring of unacked snapshots, oldest first */
	size_t head, count, next_send; /* next_send: offset from head */
	bool send_busy;
	uint64_t next_seq;
	uint64_t dropped;
	double next_attempt, backoff_ms, last_progress;
	int failures;
	char bearer[512];
	char fatal[512]; /* set once the control plane refused the run: no more attempts */
};

/* Monotonic milliseconds. */
double now_ms(void);
/* The @i-th unacked snapshot, oldest first. */
struct pending *stream_pending_at(struct stream *s, size_t i);
/* Every snapshot up to @seq is stored: forget them. */
void stream_acked(struct stream *s, uint64_t seq);

/* stream_call.c: one Collect call at a time, driven by the completion queue. */
void call_connect(struct stream *s);
/* Ends the current call (if any) and schedules the next attempt. */
void call_disconnect(struct stream *s, const char *why);
/* Sends the next unacked snapshot once the call is welcomed and no send is in flight. */
void call_send_next(struct stream *s);
void call_on_event(struct stream *s, grpc_event ev);

#endif /* __STREAM_INT_H */
