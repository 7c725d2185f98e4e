// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of CollectorService.Collect over the gRPC C core: one
 * bidirectional call at a time, driven from the agent's main loop through
 * the completion queue. Snapshots are cumulative, so resending every
 * unacked one after a reconnect can never count anything twice or lose it.
 * Here: the queue of unacked snapshots and the API; the call is in stream_call.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <grpc/grpc_security.h>
#include <grpc/support/time.h>
#include "stream_int.h"
#include "stream_msg.h"
#include "warn.h"

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct pending *stream_pending_at(struct stream *s, size_t i)
{
	return &s->q[(s->head + i) % s->opts.max_pending];
}

static void drop_oldest(struct stream *s)
{
	free(stream_pending_at(s, 0)->data);
	s->head = (s->head + 1) % s->opts.max_pending;
	s->count--;
	if (s->next_send)
		s->next_send--;
}

void stream_acked(struct stream *s, uint64_t seq)
{
	while (s->count && stream_pending_at(s, 0)->seq <= seq)
		drop_oldest(s);
	s->last_progress = now_ms();
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
	p = stream_pending_at(s, s->count);
	p->seq = head.seq;
	p->data = data;
	p->len = len;
	s->count++;
	/* The final snapshot has only the stop grace: try at once rather than sit out a backoff. */
	if (final && !s->cur) {
		s->next_attempt = 0;
		s->backoff_ms = BACKOFF_MIN_MS;
	}
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
	grpc_ssl_pem_key_cert_pair pair = { .private_key = opts->tls_key_pem,
					    .cert_chain = opts->tls_cert_pem };
	grpc_channel_credentials *creds;
	struct stream *s = calloc(1, sizeof(*s));
	int err;

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
	creds = opts->tls_ca_pem ?
			grpc_ssl_credentials_create(opts->tls_ca_pem,
						    opts->tls_cert_pem ? &pair : NULL, NULL, NULL) :
			grpc_insecure_credentials_create();
	err = servers_open(&s->servers, opts->server, creds, &chargs);
	grpc_channel_credentials_release(creds);
	if (err) {
		grpc_completion_queue_shutdown(s->cq);
		grpc_completion_queue_destroy(s->cq);
		grpc_shutdown();
		free(s->q);
		free(s);
		return NULL;
	}
	return s;
}

void stream_poll(struct stream *s, int timeout_ms)
{
	double deadline = now_ms() + timeout_ms, now;
	grpc_event ev;

	for (;;) {
		now = now_ms();
		if (!s->cur && !s->fatal[0] && now >= s->next_attempt)
			call_connect(s);
		if (s->cur && s->count && now - s->last_progress > ACK_TIMEOUT_MS)
			call_disconnect(s, "no ack within 30 s");
		call_send_next(s);
		if (now >= deadline)
			break;
		ev = grpc_completion_queue_next(
			s->cq,
			gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
				     gpr_time_from_micros((int64_t)((deadline - now) * 1000),
							  GPR_TIMESPAN)),
			NULL);
		if (ev.type == GRPC_OP_COMPLETE)
			call_on_event(s, ev);
		else if (ev.type == GRPC_QUEUE_TIMEOUT)
			break;
	}
}

const char *stream_fatal(const struct stream *s)
{
	return s->fatal[0] ? s->fatal : NULL;
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
		call_disconnect(s, "agent stopping");
	}
	servers_close(&s->servers);
	grpc_completion_queue_shutdown(s->cq);
	do {
		ev = grpc_completion_queue_next(s->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		if (ev.type == GRPC_OP_COMPLETE)
			call_on_event(s, ev);
	} while (ev.type != GRPC_QUEUE_SHUTDOWN);
	grpc_completion_queue_destroy(s->cq);
	while (s->count)
		drop_oldest(s);
	free(s->q);
	free(s);
	grpc_shutdown();
}
