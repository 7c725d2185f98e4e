// SPDX-License-Identifier: GPL-2.0
/*
 * The main loop: -i ticks, the -d deadline, signals and the command's exit, all taken
 * synchronously (sigtimedwait, or the gRPC completion queue when streaming).
 */
#define _GNU_SOURCE
#include <time.h>
#include <sys/wait.h>
#include "agent.h"
#include "local_report.h"
#include "metrics_http.h"
#include "stream_feed.h"

struct loop {
	double deadline;      /* -d: monotonic seconds; 0: none */
	double next_tick;     /* -i: monotonic seconds; 0: no ticks */
	double stop_deadline; /* streaming: when to give up on the final ack */
	bool stopping;	      /* the final snapshot is out: waiting for its ack */
};

double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct report agent_report_base(const struct agent *a)
{
	return (struct report){
		.scope = a->scope,
		.map_mode = map_mode_name(a->opts.coll.mode),
		.top = a->opts.top,
	};
}

/* A tick due at the deadline comes first: -i 1 -d 2 gives two reports. */
static bool tick_due(const struct loop *l, double now)
{
	return l->next_tick && now >= l->next_tick && (!l->deadline || l->next_tick <= l->deadline);
}

/* Sleeps until the next tick or deadline, or an event; true if it asks the run to stop. */
static bool wait_for_event(struct agent *a, const struct loop *l, double now)
{
	double wake = now + (a->feed ? 0.2 : 3600);
	struct timespec ts = {};
	siginfo_t si;
	int sig;

	if (!l->stopping && l->deadline && l->deadline < wake)
		wake = l->deadline;
	if (!l->stopping && l->next_tick && l->next_tick < wake)
		wake = l->next_tick;
	if (a->feed) {
		/* The completion queue is the main loop: gRPC only progresses in here. */
		stream_feed_poll(a->feed, (int)((wake - now) * 1000) + 1);
	} else {
		ts.tv_sec = (time_t)(wake - now);
		ts.tv_nsec = (long)((wake - now - ts.tv_sec) * 1e9);
	}
	sig = sigtimedwait(&a->mask, &si, &ts);
	if (sig == SIGCHLD && a->opts.cmd && !a->child_done &&
	    waitpid(a->child.pid, &a->wstatus, WNOHANG) == a->child.pid) {
		a->child.pid = -1;
		a->child_done = true;
		return true;
	}
	/* SIGHUP (a closed terminal, a service manager) ends the run like SIGTERM: final snapshot, ack. */
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

/* Starts stopping; true if the loop can end now, false while the final snapshot awaits its ack. */
static bool begin_stop(struct agent *a, struct loop *l)
{
	l->stopping = true;
	if (!a->feed)
		return true;
	/* The final snapshot: sent and acked (within --stop-grace) before exit. */
	stream_feed_push(a->feed, true);
	l->stop_deadline = now_mono() + a->opts.srv.stop_grace;
	return false;
}

void agent_run(struct agent *a)
{
	int interval = a->opts.interval;
	struct loop l = {
		.deadline = a->opts.duration ? a->start + a->opts.duration : 0,
		.next_tick = interval ? a->start + interval : 0,
	};

	/* A failed read ends the run early; the final report still follows. */
	for (;;) {
		double now = now_mono();
		bool stop = false;

		if (stream_feed_fatal(a->feed))
			break; /* refused for good: agent_finish says why */
		if (l.stopping) {
			if (!stream_feed_unacked(a->feed) || now >= l.stop_deadline)
				break;
		} else if (tick_due(&l, now)) {
			if (a->feed ? stream_feed_push(a->feed, false) : report_interval(a, now))
				break;
			l.next_tick += interval;
			continue;
		} else if (l.deadline && now >= l.deadline) {
			stop = true;
		}
		if (!stop) {
			/* --metrics-addr: scrapes read the maps while this loop sleeps. */
			metrics_http_release(a->metrics);
			stop = wait_for_event(a, &l, now);
			metrics_http_hold(a->metrics);
		}
		if (stop && !l.stopping && begin_stop(a, &l))
			break;
	}
}
