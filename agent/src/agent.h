/* SPDX-License-Identifier: GPL-2.0 */
/* One run of the agent: the state main()'s phases share. */
#ifndef __AGENT_H
#define __AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include "options.h"
#include "collector.h"
#include "child.h"
#include "output.h"

struct stream_feed;
struct metrics_http;

struct agent {
	struct agent_opts opts;
	struct collector coll;
	struct child child;	      /* "-- CMD": the command, held at its gate until tracked */
	struct stream_feed *feed;     /* --server: the stream; NULL when reporting locally */
	struct metrics_http *metrics; /* --metrics-addr: the exporter; NULL when off */
	FILE *report;	  /* where reports go: --out, else stdout (a command's stdout moves) */
	char scope[256];  /* "all processes", "pid 42, comm nginx", "command: ls -l" */
	sigset_t mask;	  /* SIGINT, SIGTERM, SIGCHLD: blocked, taken in the loop */
	sigset_t oldmask; /* restored in the command before exec */
	double start;	  /* monotonic seconds when counting began */
	int wstatus;	  /* the command's wait status, once child_done */
	bool child_done;
	/* Local interval reports: the counts at the previous one, to print the difference. */
	struct snapshot snap, prev, delta;
	bool printed;
};

/* Monotonic seconds. */
double now_mono(void);
/* The report fields every report of this run shares. */
struct report agent_report_base(const struct agent *a);

/* Counts until -d, a signal or the command's exit; prints or streams each -i interval. */
void agent_run(struct agent *a);

#endif /* __AGENT_H */
