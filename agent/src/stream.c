// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of CollectorService.Collect over the gRPC C core: one
 * bidirectional call at a time, driven from the agent's main loop through
 * the completion queue. Snapshots are cumulative, so resending every
 * unacked one after a reconnect can never count anything twice or lose it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include "syscall_counter/v1/collector.pb-c.h"
#include "stream.h"
#include "stream_msg.h"
#include "warn.h"

#define METHOD "/syscall_counter.v1.CollectorService/Collect"
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
	grpc_channel *channel;
	struct call *cur;
	struct pending *q;	       /* ring of unacked snapshots, oldest first */
	size_t head, count, next_send; /* next_send: offset from head */
	bool send_busy;
	uint64_t next_seq, last_acked;
	uint64_t dropped;
	double next_attempt, backoff_ms, last_progress;
	int failures;
	char bearer[512];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static grpc_byte_buffer *to_buffer(const uint8_t *data, size_t len)
{
	grpc_slice slice = grpc_slice_from_copied_buffer((const char *)data, len);
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&slice, 1);

	grpc_slice_unref(slice);
	return bb;
}

static struct pending *at(struct stream *s, size_t i)
{
	return &s->q[(s->head + i) % s->opts.max_pending];
}

static void drop_oldest(struct stream *s)
{
	free(at(s, 0)->data);
	s->head = (s->head + 1) % s->opts.max_pending;
	s->count--;
	if (s->next_send)
		s->next_send--;
}

int stream_push(struct stream *s, const struct snapshot *snap, uint64_t time_ms, bool final,
		const struct stream_detail *detail)
{
	struct snapshot_head head = {
		.run_id = s->opts.hello.run_id,
		.seq = s->next_seq++,
		.time_ms = time_ms,
		.final = final,
	};
	struct pending *p;
	uint8_t *data;
	size_t len;
	int err;

	data = pack_snapshot(&head, snap, detail, &len, &err);
	if (!data)
		return err;
	/* Full: drop the oldest. Later snapshots are cumulative, so totals stay exact. */
	if (s->count == s->opts.max_pending) {
		drop_oldest(s);
		if (!s->dropped++)
			warn("snapshot buffer full (%zu): dropping the oldest "
			     "unacked snapshots; totals stay exact, only time resolution is lost\n",
			     s->opts.max_pending);
	}
	p = at(s, s->count);
	p->seq = head.seq;
	p->data = data;
	p->len = len;
	s->count++;
	return 0;
}

struct stream *stream_new(const struct stream_opts *opts)
{
	grpc_arg args[] = {
		/* Reconnect quickly once the control plane is back (the default grows to 120 s). */
		{ .type = GRPC_ARG_INTEGER,
		  .key = GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
		  .value.integer = 100 },
		{ .type = GRPC_ARG_INTEGER,
		  .key = GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
		  .value.integer = 100 },
		{ .type = GRPC_ARG_INTEGER,
		  .key = GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
		  .value.integer = BACKOFF_MAX_MS },
		{ .type = GRPC_ARG_STRING,
		  .key = GRPC_ARG_PRIMARY_USER_AGENT_STRING,
		  .value.string = PROG_NAME },
	};
	grpc_channel_args chargs = { .num_args = sizeof(args) / sizeof(args[0]), .args = args };
	grpc_channel_credentials *creds;
	struct stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->opts = *opts;
	if (!s->opts.max_pending)
		s->opts.max_pending = 3600;
	s->q = calloc(s->opts.max_pending, sizeof(*s->q));
	if (!s->q) {
		free(s);
		return NULL;
	}
	s->next_seq = 1;
	s->backoff_ms = BACKOFF_MIN_MS;
	if (opts->token)
		snprintf(s->bearer, sizeof(s->bearer), "Bearer %s", opts->token);

	grpc_init();
	s->cq = grpc_completion_queue_create_for_next(NULL);
	creds = opts->tls_ca_pem ? grpc_ssl_credentials_create(opts->tls_ca_pem, NULL, NULL, NULL) :
				   grpc_insecure_credentials_create();
	s->channel = grpc_channel_create(opts->server, creds, &chargs);
	grpc_channel_credentials_release(creds);
	return s;
}

static void call_free(struct call *c)
{
	grpc_metadata_array_destroy(&c->initial_md);
	grpc_metadata_array_destroy(&c->trailing_md);
	grpc_slice_unref(c->details);
	grpc_slice_unref(c->auth.value);
	if (c->error_string)
		gpr_free((void *)c->error_string);
	if (c->send_buf)
		grpc_byte_buffer_destroy(c->send_buf);
	if (c->recv_buf)
		grpc_byte_buffer_destroy(c->recv_buf);
	grpc_call_unref(c->call);
	free(c);
}

static bool start(struct call *c, grpc_op *ops, size_t n, enum op op)
{
	if (grpc_call_start_batch(c->call, ops, n, &c->tags[op], NULL) != GRPC_CALL_OK)
		return false;
	c->outstanding++;
	return true;
}

/* Ends the current call (if any) and schedules the next attempt. */
static void disconnect(struct stream *s, const char *why)
{
	struct call *c = s->cur;
	double jitter;

	if (!c)
		return;
	s->cur = NULL;
	c->dead = true;
	grpc_call_cancel(c->call, NULL);
	if (!c->outstanding)
		call_free(c);
	s->send_busy = false;
	s->next_send = 0; /* everything unacked is resent on the next call */
	jitter = s->backoff_ms * (0.8 + 0.4 * (rand() / (double)RAND_MAX));
	s->next_attempt = now_ms() + jitter;
	if (s->failures++ < 3 || s->failures % 20 == 0)
		warn("stream to %s ended: %s; %zu unacked snapshot(s) kept, "
		     "retrying in %.1f s\n",
		     s->opts.server, why, s->count, jitter / 1000);
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : s->backoff_ms * 2;
}

static void post_recv(struct call *c)
{
	grpc_op op = { .op = GRPC_OP_RECV_MESSAGE };

	op.data.recv_message.recv_message = &c->recv_buf;
	start(c, &op, 1, OP_RECV);
}

static void connect_call(struct stream *s)
{
	grpc_op ops[3] = {};
	struct call *c = calloc(1, sizeof(*c));
	uint8_t *hello;
	size_t len;

	if (!c)
		return;
	for (int i = 0; i < NR_OPS; i++)
		c->tags[i] = (struct tag){ .call = c, .op = i };
	grpc_metadata_array_init(&c->initial_md);
	grpc_metadata_array_init(&c->trailing_md);
	c->details = grpc_empty_slice();
	c->auth.key = grpc_slice_from_static_string("authorization");
	c->auth.value = grpc_slice_from_copied_string(s->bearer);
	c->call = grpc_channel_create_call(s->channel, NULL, GRPC_PROPAGATE_DEFAULTS, s->cq,
					   grpc_slice_from_static_string(METHOD), NULL,
					   gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
	s->cur = c;
	s->last_progress = now_ms();

	ops[0].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[0].data.recv_status_on_client.trailing_metadata = &c->trailing_md;
	ops[0].data.recv_status_on_client.status = &c->status;
	ops[0].data.recv_status_on_client.status_details = &c->details;
	ops[0].data.recv_status_on_client.error_string = &c->error_string;
	start(c, ops, 1, OP_STATUS);

	hello = pack_hello(&s->opts.hello, &len);
	c->send_buf = to_buffer(hello, len);
	free(hello);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[0].data.send_initial_metadata.count = s->bearer[0] ? 1 : 0;
	ops[0].data.send_initial_metadata.metadata = &c->auth;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = c->send_buf;
	s->send_busy = true;
	start(c, ops, 2, OP_START);

	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[0].data.recv_initial_metadata.recv_initial_metadata = &c->initial_md;
	ops[1].op = GRPC_OP_RECV_MESSAGE;
	ops[1].data.recv_message.recv_message = &c->recv_buf;
	start(c, ops, 2, OP_RECV);
}

static void send_next(struct stream *s)
{
	struct call *c = s->cur;
	struct pending *p;
	grpc_op op = { .op = GRPC_OP_SEND_MESSAGE };

	if (!c || !c->welcomed || s->send_busy || s->next_send >= s->count)
		return;
	p = at(s, s->next_send++);
	c->send_buf = to_buffer(p->data, p->len);
	op.data.send_message.send_message = c->send_buf;
	if (start(c, &op, 1, OP_SEND))
		s->send_busy = true;
}

static void acked(struct stream *s, uint64_t seq)
{
	while (s->count && at(s, 0)->seq <= seq)
		drop_oldest(s);
	if (seq > s->last_acked)
		s->last_acked = seq;
	s->last_progress = now_ms();
}

static void on_message(struct stream *s, struct call *c)
{
	SyscallCounter__V1__CollectResponse *resp;
	grpc_byte_buffer_reader reader;
	grpc_slice slice;

	grpc_byte_buffer_reader_init(&reader, c->recv_buf);
	slice = grpc_byte_buffer_reader_readall(&reader);
	grpc_byte_buffer_reader_destroy(&reader);
	grpc_byte_buffer_destroy(c->recv_buf);
	c->recv_buf = NULL;
	resp = syscall_counter__v1__collect_response__unpack(NULL, GRPC_SLICE_LENGTH(slice),
							     GRPC_SLICE_START_PTR(slice));
	grpc_slice_unref(slice);
	if (!resp) {
		disconnect(s, "undecodable response");
		return;
	}
	if (resp->msg_case == SYSCALL_COUNTER__V1__COLLECT_RESPONSE__MSG_WELCOME && !c->welcomed) {
		c->welcomed = true;
		acked(s, resp->welcome->last_acked_seq);
		s->next_send = 0;
		if (s->failures)
			warn("reconnected to %s; resending %zu unacked snapshot(s)\n",
			     s->opts.server, s->count);
		s->failures = 0;
		s->backoff_ms = BACKOFF_MIN_MS;
	} else if (resp->msg_case == SYSCALL_COUNTER__V1__COLLECT_RESPONSE__MSG_ACK &&
		   c->welcomed) {
		acked(s, resp->ack->seq);
	}
	syscall_counter__v1__collect_response__free_unpacked(resp, NULL);
	post_recv(c);
}

static void on_event(struct stream *s, grpc_event ev)
{
	struct tag *t = ev.tag;
	struct call *c = t->call;
	char why[512];

	c->outstanding--;
	if (c->dead) {
		if (!c->outstanding)
			call_free(c);
		return;
	}
	switch (t->op) {
	case OP_START:
	case OP_SEND:
		grpc_byte_buffer_destroy(c->send_buf);
		c->send_buf = NULL;
		s->send_busy = false;
		/* A failed send is followed by the call's status, which says why. */
		break;
	case OP_RECV:
		if (ev.success && c->recv_buf)
			on_message(s, c);
		break;
	case OP_STATUS: {
		char *details = grpc_slice_to_c_string(c->details);

		snprintf(why, sizeof(why), "%s (status %d)%s%s", details[0] ? details : "closed",
			 c->status,
			 c->status == GRPC_STATUS_UNAUTHENTICATED ? ": check --token-file" : "",
			 c->status == GRPC_STATUS_UNAVAILABLE ? ": control plane unreachable" : "");
		gpr_free(details);
		disconnect(s, why);
		break;
	}
	default:
		break;
	}
}

void stream_poll(struct stream *s, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms, now;
	grpc_event ev;

	for (;;) {
		now = now_ms();
		if (!s->cur && now >= s->next_attempt)
			connect_call(s);
		if (s->cur && s->count && now - s->last_progress > ACK_TIMEOUT_MS)
			disconnect(s, "no ack within 30 s");
		send_next(s);
		if (now >= deadline)
			break;
		ev = grpc_completion_queue_next(
			s->cq,
			gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
				     gpr_time_from_micros((int64_t)((deadline - now) * 1000),
							  GPR_TIMESPAN)),
			NULL);
		if (ev.type == GRPC_OP_COMPLETE)
			on_event(s, ev);
		else if (ev.type == GRPC_QUEUE_TIMEOUT)
			break;
	}
}

size_t stream_unacked(const struct stream *s)
{
	return s->count;
}

void stream_free(struct stream *s)
{
	grpc_event ev;

	if (!s)
		return;
	if (s->cur) {
		s->failures = 4; /* quiet: this is the end, not a failure */
		disconnect(s, "agent stopping");
	}
	grpc_channel_destroy(s->channel);
	grpc_completion_queue_shutdown(s->cq);
	do {
		ev = grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		if (ev.type == GRPC_OP_COMPLETE)
			on_event(s, ev);
	} while (ev.type != GRPC_QUEUE_SHUTDOWN);
	grpc_completion_queue_destroy(s->cq);
	while (s->count)
		drop_oldest(s);
	free(s->q);
	free(s);
	grpc_shutdown();
}
