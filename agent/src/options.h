/* SPDX-License-Identifier: GPL-2.0 */
/* The agent's command line: the argp table, its parser and the rules between options. */
#ifndef __OPTIONS_H
#define __OPTIONS_H

#include <stdbool.h>
#include <linux/types.h>
#include "collector.h"
#include "output.h"
#include "stream_servers.h"

#define AGENT_VERSION "0.1.0"

/* --server and what goes with it. */
struct server_opts {
	const char *server; /* HOST:PORT[,...], every port named; NULL: print locally */
	const char *token_file;
	const char *tls_ca;
	const char *tls_cert; /* mTLS client certificate and its key (PEM files) */
	const char *tls_key;
	const char *host_id;
	const char *run_id;
	long buffer;	  /* unacked snapshots kept */
	long stop_grace;  /* seconds the final snapshot may wait for its ack */
	long process_top; /* -P: busiest processes named per snapshot */
	long cgroup_top;  /* -C: busiest cgroups named per snapshot */
	/* --server with the default port added where none was given: what server points at. */
	char server_list[SERVERS_LIST_MAX];
};

struct agent_opts {
	struct collector_opts coll; /* what the BPF side counts: filled by the parser directly */
	int duration;		    /* seconds; 0: until Ctrl-C or until CMD exits */
	int interval;		    /* seconds; 0: one report at the end */
	int top;
	enum output_format format;
	const char *out_file; /* --out: the reports' file; NULL: stdout */
	bool include_self;    /* --include-self: count the agent's own calls too */
	bool list;
	char **cmd;			      /* after "--"; NULL: none */
	const char *syscalls;		      /* --syscall as given, for the scope line */
	__u8 syscall_bits[SLOT_BITMAP_BYTES]; /* what coll.syscall_bits points at */
	struct server_opts srv;
	const char *metrics_addr;	/* --metrics-addr HOST:PORT: serve /metrics; NULL: off */
	const char *metrics_token_file; /* --metrics-token-file: scrapes need its bearer token */
	/* Given explicitly: some rules only apply to options on the command line. */
	bool map_given, process_top_given, cgroup_top_given;
};

/*
 * Fills @o from the command line, with the defaults for what is not given, and checks
 * the rules between options. Bad usage prints one line (and argp's hint) and exits with
 * status 2, like the CLI's usage errors; non-zero otherwise when argp cannot run.
 */
int options_parse(int argc, char **argv, struct agent_opts *o);

#endif /* __OPTIONS_H */
