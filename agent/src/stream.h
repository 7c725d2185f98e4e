/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __STREAM_H
#define __STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "collector.h"
#include "cgroup_interval.h"
#include "bpf_stats.h"
#include "cgroup_seen.h"

struct stream_hello {
	const char *host_id;
	const char *hostname;
	const char *kernel_release;
	const char *arch;
	const char *boot_id;
	const char *agent_version;
	const char *map_mode;
	const char *scope;
	const char *run_id;
	uint32_t interval_ms;
	uint64_t started_ms;
	uint32_t process_top_k; /* per-process mode: busiest processes per snapshot; 0 off */
	uint32_t cgroup_top_k;	/* per-cgroup mode: busiest cgroups per snapshot; 0 off */
	bool errors;		/* snapshots carry failed calls per syscall and errno */
	bool latency;		/* snapshots carry per-syscall latency histograms */
};

struct stream_opts {
	const char *server;	  /* HOST:PORT[,HOST:PORT...]: replicas, failed over in turn */
	const char *token;	  /* bearer token; may be NULL */
	const char *tls_ca_pem;	  /* NULL: plaintext */
	const char *tls_cert_pem; /* mTLS: client certificate and key; NULL: none */
	const char *tls_key_pem;
	size_t max_pending; /* snapshots kept until acked */
	struct stream_hello hello;
};

struct stream;

struct stream *stream_new(const struct stream_opts *opts);
/* The interval's calls of the busiest processes (-P) or cgroups (-C); both may be empty. */
struct stream_detail {
	const struct proc_row *procs;
	size_t nprocs;
	const struct cgroup_delta *cgroups;
	size_t ncgroups;
	__u64 unattributed;  /* cumulative: calls the bounded map could not attribute */
	const __u64 *failed; /* --errors: cumulative failed calls per slot (NULL: none) */
	const struct errno_count *errnos; /* and per (slot, errno) */
	size_t nerrnos;
	const struct latency *lat;	    /* --latency: cumulative histograms (NULL: none) */
	const struct cgroup_seen_set *seen; /* -C: (cgroup, syscall) pairs new since the last one */
	const struct bpf_prog_stat *bpf;    /* the programs' kernel run-time statistics */
	size_t nbpf;
};

/* Queues the next cumulative snapshot; it is sent, and resent until acked. @detail may be NULL. */
int stream_push(struct stream *s, const struct snapshot *snap, uint64_t time_ms, bool final,
		const struct stream_detail *detail);
/*
 * Drives gRPC for at most @timeout_ms: (re)connects with backoff, sends what
 * is queued, takes acks. The completion queue only progresses while this runs.
 */
void stream_poll(struct stream *s, int timeout_ms);
size_t stream_unacked(const struct stream *s);
/* Why the control plane refused this run for good (ALREADY_EXISTS, ...); NULL while it has not. */
const char *stream_fatal(const struct stream *s);
void stream_free(struct stream *s);

#endif /* __STREAM_H */
