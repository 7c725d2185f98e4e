// SPDX-License-Identifier: GPL-2.0
/*
 * What the agent streams: the Hello from this host's facts and the options, then each
 * interval's cumulative snapshot, read from the collector, with the details the options ask for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "stream_feed.h"
#include "stream.h"
#include "credentials.h"
#include "host_facts.h"
#include "syscall_table.h"
#include "warn.h"

struct stream_feed {
	struct stream *stream;
	struct collector *coll;
	const struct agent_opts *opts;
	/* Kept between snapshots: the per-cgroup counts of the previous one, and large buffers. */
	struct cgroup_interval cgi;
	struct cgroup_seen_set seen; /* this snapshot's new (cgroup, syscall) pairs */
	struct snapshot snap;
	__u64 failed[NR_SLOTS];
	struct latency lat;
	struct bpf_prog_stat bpf[MAX_PROG_STATS];
	bool final_read; /* snap holds the final snapshot's read (issue 13) */
};

static uint64_t now_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fill_hello(struct stream_hello *h, const struct agent_opts *o,
		       const struct host_facts *facts, const char *scope)
{
	const struct server_opts *s = &o->srv;

	h->host_id = s->host_id ? s->host_id : facts->host_id;
	h->hostname = facts->hostname;
	h->kernel_release = facts->kernel_release;
	h->arch = SYSCALL_TABLE_ARCH;
	h->boot_id = facts->boot_id;
	h->agent_version = AGENT_VERSION;
	h->map_mode = map_mode_name(o->coll.mode);
	h->scope = scope;
	h->run_id = s->run_id ? s->run_id : facts->run_id;
	h->interval_ms = o->interval * 1000;
	h->started_ms = now_wall_ms();
	h->process_top_k = o->coll.per_process ? s->process_top : 0;
	h->cgroup_top_k = o->coll.per_cgroup ? s->cgroup_top : 0;
	h->errors = o->coll.errors;
	h->latency = o->coll.latency;
}

struct stream_feed *stream_feed_open(const struct agent_opts *o, struct collector *coll,
				     const char *scope)
{
	/* The Hello points into these for the whole run. */
	static struct host_facts facts;
	const struct server_opts *s = &o->srv;
	struct stream_opts so = { .server = s->server, .max_pending = s->buffer };
	char *token = NULL, *ca = NULL, *cert = NULL, *key = NULL;
	struct stream_feed *f = NULL;

	host_facts_read(&facts);
	if (s->token_file && !(token = credentials_read_token(s->token_file)))
		goto out;
	if (s->tls_ca && !(ca = credentials_read_file(s->tls_ca, "CA file")))
		goto out;
	if (s->tls_cert && !(cert = credentials_read_file(s->tls_cert, "certificate file")))
		goto out;
	if (s->tls_key && !(key = credentials_read_file(s->tls_key, "key file")))
		goto out;
	f = calloc(1, sizeof(*f));
	if (!f)
		goto out;
	so.token = token;
	so.tls_ca_pem = ca;
	so.tls_cert_pem = cert;
	so.tls_key_pem = key;
	fill_hello(&so.hello, o, &facts, scope);
	warn("streaming to %s as host %s, run %s, every %d s\n", s->server, so.hello.host_id,
	     so.hello.run_id, o->interval);
	f->coll = coll;
	f->opts = o;
	/* stream_new keeps the bearer header and the TLS credentials: the files can go. */
	f->stream = stream_new(&so);
	if (!f->stream) {
		free(f);
		f = NULL;
	}
out:
	free(token);
	free(ca);
	free(cert);
	free(key);
	return f;
}

/* The counts, and with -P or -C the busiest processes or cgroups since the previous snapshot. */
static int read_counts(struct stream_feed *f, struct stream_detail *d, struct proc_counts *pc,
		       struct cgroup_counts *cc, void **rows)
{
	const struct agent_opts *o = f->opts;
	int err;

	if (o->coll.per_process) {
		struct proc_row *prows = NULL;

		err = collector_read_procs(f->coll, pc, &f->snap);
		if (!err)
			err = procs_interval(&f->coll->procs, pc, o->srv.process_top, &prows,
					     &d->nprocs);
		d->procs = prows;
		*rows = prows;
		for (int s = 0; s < NR_SLOTS; s++)
			d->unattributed += pc->unattributed[s];
		return err;
	}
	if (o->coll.per_cgroup) {
		struct cgroup_delta *crows = NULL;

		err = collector_read_cgroup_snapshot(f->coll, cc, &f->snap);
		/* The new pairs first: cgroup_interval_next() replaces the previous counts. */
		if (!err)
			err = cgroup_seen_next(&f->cgi, cc, &f->seen);
		d->seen = &f->seen;
		if (!err)
			err = cgroup_interval_next(&f->cgi, cc, o->srv.cgroup_top, &crows,
						   &d->ncgroups);
		d->cgroups = crows;
		*rows = crows;
		for (int s = 0; s < NR_SLOTS; s++)
			d->unattributed += cc->unattributed[s];
		return err;
	}
	return collector_read(f->coll, &f->snap);
}

int stream_feed_push(struct stream_feed *f, bool final)
{
	const struct collector_opts *c = &f->opts->coll;
	struct stream_detail detail = {};
	struct errno_count *errnos = NULL;
	struct cgroup_counts cc = {};
	struct proc_counts pc = {};
	void *rows = NULL;
	int err = 0;

	memset(&f->snap, 0, sizeof(f->snap));
	/* Failures first: every call they count entered before, so it is in the counts read next. */
	if (c->errors) {
		err = collector_read_errors(f->coll, f->failed, &errnos, &detail.nerrnos);
		detail.failed = f->failed;
		detail.errnos = errnos;
	}
	if (!err)
		err = read_counts(f, &detail, &pc, &cc, &rows);
	/* After the counts: every call with a histogram row was counted (it may have returned since). */
	if (!err && c->latency) {
		err = collector_read_latency(f->coll, f->snap.slots, &f->lat);
		detail.lat = &f->lat;
	}
	detail.bpf = f->bpf;
	detail.nbpf = bpf_stats_read(f->coll, f->bpf);
	if (!err)
		err = stream_push(f->stream, &f->snap, now_wall_ms(), final, &detail);
	f->final_read = final && !err;
	cgroup_seen_free(&f->seen);
	if (final)
		cgroup_interval_free(&f->cgi);
	procs_counts_free(&pc);
	free(cc.rows);
	free(rows);
	free(errnos);
	return err;
}

const struct snapshot *stream_feed_final(const struct stream_feed *f)
{
	return f && f->final_read ? &f->snap : NULL;
}

void stream_feed_poll(struct stream_feed *f, int timeout_ms)
{
	stream_poll(f->stream, timeout_ms);
}

size_t stream_feed_unacked(const struct stream_feed *f)
{
	return f ? stream_unacked(f->stream) : 0;
}

const char *stream_feed_fatal(const struct stream_feed *f)
{
	return f ? stream_fatal(f->stream) : NULL;
}

void stream_feed_free(struct stream_feed *f)
{
	if (!f)
		return;
	stream_free(f->stream);
	cgroup_interval_free(&f->cgi);
	free(f);
}
