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

static uint8_t *pack_hello(struct stream *s, size_t *len)
{
	SyscallCounter__V1__CollectRequest req = SYSCALL_COUNTER__V1__COLLECT_REQUEST__INIT;
	SyscallCounter__V1__Hello h = SYSCALL_COUNTER__V1__HELLO__INIT;
	const struct stream_hello *o = &s->opts.hello;
	uint8_t *buf;

	h.host_id = (char *)o->host_id;
	h.hostname = (char *)o->hostname;
	h.kernel_release = (char *)o->kernel_release;
	h.arch = (char *)o->arch;
	h.boot_id = (char *)o->boot_id;
	h.agent_version = (char *)o->agent_version;
	h.map_mode = (char *)o->map_mode;
	h.interval_ms = o->interval_ms;
	h.run_id = (char *)o->run_id;
	h.run_started_unix_ms = o->started_ms;
	h.scope = (char *)o->scope;
	h.process_top_k = o->process_top_k;
	h.cgroup_top_k = o->cgroup_top_k;
	h.errors = o->errors;
	h.latency = o->latency;
	req.msg_case = SYSCALL_COUNTER__V1__COLLECT_REQUEST__MSG_HELLO;
	req.hello = &h;
	*len = syscall_counter__v1__collect_request__get_packed_size(&req);
	buf = malloc(*len ? *len : 1);
	if (buf)
		syscall_counter__v1__collect_request__pack(&req, buf);
	return buf;
}

#define WIRE_NR_OTHER (-2) /* SYSCALL_NR_OTHER in libs/syscall-table */

/* The one mapping from a BPF slot to the wire's syscall number (collector.proto: -2 is "other"). */
static int32_t wire_nr(__u32 slot)
{
	return slot == SLOT_NEG1 ? -1 : slot == SLOT_OTHER ? WIRE_NR_OTHER : (int32_t)slot;
}

/* Points @msg at per-process and per-cgroup rows allocated in one block (freed by the caller). */
static void *attach_detail(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d)
{
	SyscallCounter__V1__ProcessCount *prow, **pptr;
	SyscallCounter__V1__CgroupCount *crow, **cptr;
	size_t np = d ? d->nprocs : 0, nc = d ? d->ncgroups : 0;
	char *block;

	if (!np && !nc)
		return NULL;
	block = calloc(1,
		       np * (sizeof(*prow) + sizeof(*pptr)) + nc * (sizeof(*crow) + sizeof(*cptr)));
	if (!block)
		return NULL;
	prow = (void *)block;
	crow = (void *)(prow + np);
	pptr = (void *)(crow + nc);
	cptr = (void *)(pptr + np);
	for (size_t i = 0; i < np; i++) {
		syscall_counter__v1__process_count__init(&prow[i]);
		prow[i].pid = d->procs[i].tgid;
		prow[i].comm = (char *)d->procs[i].comm;
		prow[i].nr = wire_nr(d->procs[i].slot);
		prow[i].count = d->procs[i].count;
		pptr[i] = &prow[i];
	}
	for (size_t i = 0; i < nc; i++) {
		syscall_counter__v1__cgroup_count__init(&crow[i]);
		crow[i].path = (char *)d->cgroups[i].path;
		crow[i].container = (char *)d->cgroups[i].label;
		crow[i].nr = wire_nr(d->cgroups[i].slot);
		crow[i].count = d->cgroups[i].count;
		cptr[i] = &crow[i];
	}
	msg->n_processes = np;
	msg->processes = pptr;
	msg->n_cgroups = nc;
	msg->cgroups = cptr;
	return block;
}

/* --errors: the failed-call rows (errno 0: all failures of a syscall), allocated in one block. */
static void *attach_failures(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d,
			     int *err)
{
	SyscallCounter__V1__FailureCount *rows, **ptrs;
	size_t n = 0, cap = 0;
	char *block;

	if (!d || !d->failed)
		return NULL;
	for (int slot = 0; slot < NR_SLOTS; slot++)
		cap += d->failed[slot] != 0;
	cap += d->nerrnos;
	if (!cap)
		return NULL;
	block = calloc(cap, sizeof(*rows) + sizeof(*ptrs));
	if (!block) {
		*err = -ENOMEM;
		return NULL;
	}
	rows = (void *)block;
	ptrs = (void *)(rows + cap);
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		if (!d->failed[slot])
			continue;
		syscall_counter__v1__failure_count__init(&rows[n]);
		rows[n].nr = wire_nr(slot);
		rows[n].count = d->failed[slot];
		ptrs[n] = &rows[n];
		n++;
	}
	for (size_t i = 0; i < d->nerrnos; i++) {
		if (!d->errnos[i].count || !d->errnos[i].err)
			continue;
		syscall_counter__v1__failure_count__init(&rows[n]);
		rows[n].nr = wire_nr(d->errnos[i].slot);
		rows[n].errno_code = d->errnos[i].err;
		rows[n].count = d->errnos[i].count;
		ptrs[n] = &rows[n];
		n++;
	}
	msg->n_failures = n;
	msg->failures = ptrs;
	return block;
}

/* --latency: a row per syscall with timed or unreturned calls, its non-zero buckets; one block. */
static void *attach_latency(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d,
			    int *err)
{
	SyscallCounter__V1__LatencyCount *rows, **ptrs;
	SyscallCounter__V1__LatencyBucket *buckets, **bptrs;
	size_t nrows = 0, nbuckets = 0, r = 0, b = 0;
	char *block;

	if (!d || !d->lat)
		return NULL;
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		size_t n = 0;

		for (int i = 0; i < LAT_BUCKETS; i++)
			n += d->lat->hist[slot][i] != 0;
		if (n || d->lat->unreturned[slot]) {
			nrows++;
			nbuckets += n;
		}
	}
	if (!nrows)
		return NULL;
	block = calloc(1, nrows * (sizeof(*rows) + sizeof(*ptrs)) +
				  nbuckets * (sizeof(*buckets) + sizeof(*bptrs)));
	if (!block) {
		*err = -ENOMEM;
		return NULL;
	}
	rows = (void *)block;
	buckets = (void *)(rows + nrows);
	ptrs = (void *)(buckets + nbuckets);
	bptrs = (void *)(ptrs + nrows);
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		size_t first = b;

		for (int i = 0; i < LAT_BUCKETS; i++) {
			if (!d->lat->hist[slot][i])
				continue;
			syscall_counter__v1__latency_bucket__init(&buckets[b]);
			buckets[b].bucket = i;
			buckets[b].count = d->lat->hist[slot][i];
			bptrs[b] = &buckets[b];
			b++;
		}
		if (b == first && !d->lat->unreturned[slot])
			continue;
		syscall_counter__v1__latency_count__init(&rows[r]);
		rows[r].nr = wire_nr(slot);
		rows[r].total_ns = d->lat->total_ns[slot];
		rows[r].unreturned = d->lat->unreturned[slot];
		rows[r].n_buckets = b - first;
		rows[r].buckets = &bptrs[first];
		ptrs[r] = &rows[r];
		r++;
	}
	msg->n_latency = r;
	msg->latency = ptrs;
	return block;
}

int stream_push(struct stream *s, const struct snapshot *snap, uint64_t time_ms, bool final,
		const struct stream_detail *detail)
{
	static SyscallCounter__V1__SyscallCount rows[NR_SLOTS];
	static SyscallCounter__V1__SyscallCount *ptrs[NR_SLOTS];
	SyscallCounter__V1__CollectRequest req = SYSCALL_COUNTER__V1__COLLECT_REQUEST__INIT;
	SyscallCounter__V1__Snapshot msg = SYSCALL_COUNTER__V1__SNAPSHOT__INIT;
	struct pending *p;
	void *block, *fblock, *lblock;
	__u64 other = 0;
	size_t n = 0;
	int err = 0;

	/* The wire has no i386 numbering yet: 32-bit calls travel in "other", so totals stay exact. */
	for (int slot = 0; slot < NR_SLOTS; slot++)
		other += snap->compat[slot];
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		__u64 count = snap->slots[slot] + (slot == SLOT_OTHER ? other : 0);

		if (!count)
			continue;
		syscall_counter__v1__syscall_count__init(&rows[n]);
		rows[n].nr = wire_nr(slot);
		rows[n].count = count;
		ptrs[n] = &rows[n];
		n++;
	}
	msg.run_id = (char *)s->opts.hello.run_id;
	msg.seq = s->next_seq++;
	msg.time_unix_ms = time_ms;
	msg.n_counts = n;
	msg.counts = ptrs;
	msg.final = final;
	block = attach_detail(&msg, detail);
	msg.unattributed = detail ? detail->unattributed : 0;
	if (!block && detail && (detail->nprocs || detail->ncgroups))
		return -ENOMEM;
	fblock = attach_failures(&msg, detail, &err);
	lblock = err ? NULL : attach_latency(&msg, detail, &err);
	if (err) {
		free(block);
		free(fblock);
		return err;
	}
	req.msg_case = SYSCALL_COUNTER__V1__COLLECT_REQUEST__MSG_SNAPSHOT;
	req.snapshot = &msg;

	/* Full: drop the oldest. Later snapshots are cumulative, so totals stay exact. */
	if (s->count == s->opts.max_pending) {
		drop_oldest(s);
		if (!s->dropped++)
			fprintf(stderr,
				"syscall-counter-agent: snapshot buffer full (%zu): dropping the oldest "
				"unacked snapshots; totals stay exact, only time resolution is lost\n",
				s->opts.max_pending);
	}
	p = at(s, s->count);
	p->seq = msg.seq;
	p->len = syscall_counter__v1__collect_request__get_packed_size(&req);
	p->data = malloc(p->len ? p->len : 1);
	if (p->data)
		syscall_counter__v1__collect_request__pack(&req, p->data);
	free(block);
	free(fblock);
	free(lblock);
	if (!p->data)
		return -ENOMEM;
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
		  .value.string = "syscall-counter-agent" },
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
		fprintf(stderr,
			"syscall-counter-agent: stream to %s ended: %s; %zu unacked snapshot(s) kept, "
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

	hello = pack_hello(s, &len);
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
			fprintf(stderr,
				"syscall-counter-agent: reconnected to %s; resending %zu unacked snapshot(s)\n",
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

uint64_t stream_last_acked(const struct stream *s)
{
	return s->last_acked;
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
