// SPDX-License-Identifier: GPL-2.0
/*
 * One CollectorService.Collect call over the gRPC C core: Hello first, then the
 * unacked snapshots one send at a time, acks and the status that ends it. Every
 * operation completes on the stream's completion queue, which stream_poll() drives.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>
#include "syscall_counter/v1/collector.pb-c.h"
#include "stream_int.h"
#include "stream_msg.h"
#include "warn.h"

#define METHOD "/syscall_counter.v1.CollectorService/Collect"

static grpc_byte_buffer *to_buffer(const uint8_t *data, size_t len)
{
	grpc_slice slice = grpc_slice_from_copied_buffer((const char *)data, len);
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&slice, 1);

	grpc_slice_unref(slice);
	return bb;
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

void call_disconnect(struct stream *s, const char *why)
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
	if (s->servers.n > 1) {
		/* Fail over: the next replica at once; back off only once all were tried. */
		const char *was = servers_name(&s->servers);
		bool wrapped = servers_next(&s->servers);

		jitter = wrapped ? s->backoff_ms * (0.8 + 0.4 * (rand() / (double)RAND_MAX)) : 0;
		s->next_attempt = now_ms() + jitter;
		if (s->failures++ < 3 || s->failures % 20 == 0)
			warn("stream to %s ended: %s; %zu unacked snapshot(s) kept, "
			     "failing over to %s in %.1f s\n",
			     was, why, s->count, servers_name(&s->servers), jitter / 1000);
		if (wrapped)
			s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
									     s->backoff_ms * 2;
		return;
	}
	jitter = s->backoff_ms * (0.8 + 0.4 * (rand() / (double)RAND_MAX));
	s->next_attempt = now_ms() + jitter;
	if (s->fatal[0])
		return; /* the run loop says why and stops */
	if (s->failures++ < 3 || s->failures % 20 == 0)
		warn("stream to %s ended: %s; %zu unacked snapshot(s) kept, "
		     "retrying in %.1f s\n",
		     servers_name(&s->servers), why, s->count, jitter / 1000);
	s->backoff_ms = s->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : s->backoff_ms * 2;
}

static void post_recv(struct call *c)
{
	grpc_op op = { .op = GRPC_OP_RECV_MESSAGE };

	op.data.recv_message.recv_message = &c->recv_buf;
	start(c, &op, 1, OP_RECV);
}

void call_connect(struct stream *s)
{
	grpc_op ops[3] = {};
	struct call *c = calloc(1, sizeof(*c));
	uint8_t *hello;
	size_t len;

	if (!c)
		return;
	/*
	 * A retry: the channel's own reconnect backoff (gRPC keeps one per channel, and fails
	 * every call at once while it runs) would stack on ours and, against a control plane
	 * that restarts, miss it for seconds. Ours, jittered, is the one that paces attempts.
	 */
	if (s->failures)
		grpc_channel_reset_connect_backoff(servers_channel(&s->servers));
	for (int i = 0; i < NR_OPS; i++)
		c->tags[i] = (struct tag){ .call = c, .op = i };
	grpc_metadata_array_init(&c->initial_md);
	grpc_metadata_array_init(&c->trailing_md);
	c->details = grpc_empty_slice();
	c->auth.key = grpc_slice_from_static_string("authorization");
	c->auth.value = grpc_slice_from_copied_string(s->bearer);
	c->call = grpc_channel_create_call(servers_channel(&s->servers), NULL,
					   GRPC_PROPAGATE_DEFAULTS, s->cq,
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

void call_send_next(struct stream *s)
{
	struct call *c = s->cur;
	struct pending *p;
	grpc_op op = { .op = GRPC_OP_SEND_MESSAGE };

	if (!c || !c->welcomed || s->send_busy || s->next_send >= s->count)
		return;
	p = stream_pending_at(s, s->next_send++);
	c->send_buf = to_buffer(p->data, p->len);
	op.data.send_message.send_message = c->send_buf;
	if (start(c, &op, 1, OP_SEND))
		s->send_busy = true;
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
		call_disconnect(s, "undecodable response");
		return;
	}
	if (resp->msg_case == SYSCALL_COUNTER__V1__COLLECT_RESPONSE__MSG_WELCOME && !c->welcomed &&
	    resp->welcome->last_acked_seq >= s->next_seq) {
		/* Never "delivered": these are another agent start's snapshots, not ours. */
		snprintf(
			s->fatal, sizeof(s->fatal),
			"the control plane has seq %llu of run %s stored, ahead of this agent's %llu: "
			"another agent start used this --run-id",
			(unsigned long long)resp->welcome->last_acked_seq, s->opts.hello.run_id,
			(unsigned long long)(s->next_seq - 1));
		syscall_counter__v1__collect_response__free_unpacked(resp, NULL);
		call_disconnect(s, s->fatal);
		return;
	}
	if (resp->msg_case == SYSCALL_COUNTER__V1__COLLECT_RESPONSE__MSG_WELCOME && !c->welcomed) {
		c->welcomed = true;
		stream_acked(s, resp->welcome->last_acked_seq);
		s->next_send = 0;
		if (s->failures)
			warn("reconnected to %s; resending %zu unacked snapshot(s)\n",
			     servers_name(&s->servers), s->count);
		s->failures = 0;
		s->backoff_ms = BACKOFF_MIN_MS;
	} else if (resp->msg_case == SYSCALL_COUNTER__V1__COLLECT_RESPONSE__MSG_ACK &&
		   c->welcomed) {
		stream_acked(s, resp->ack->seq);
	}
	syscall_counter__v1__collect_response__free_unpacked(resp, NULL);
	post_recv(c);
}

void call_on_event(struct stream *s, grpc_event ev)
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
			 c->status == GRPC_STATUS_UNAUTHENTICATED ?
				 ": check --token-file holds the control plane's token "
				 "(its SC_TOKEN_FILE, or this host's line of its SC_TOKENS_FILE)" :
				 "",
			 c->status == GRPC_STATUS_UNAVAILABLE ? ": control plane unreachable" : "");
		gpr_free(details);
		/* Refusals no retry can change: this run id is another start's, or not this host's. */
		if (c->status == GRPC_STATUS_ALREADY_EXISTS ||
		    c->status == GRPC_STATUS_PERMISSION_DENIED)
			snprintf(s->fatal, sizeof(s->fatal), "%s", why);
		call_disconnect(s, why);
		break;
	}
	default:
		break;
	}
}
