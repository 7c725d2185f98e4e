// SPDX-License-Identifier: GPL-2.0
/*
 * The reports printed locally: each -i interval's and the final one. Per-process and
 * per-cgroup reports are cumulative; the others show the interval.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "local_report.h"
#include "proc_output.h"
#include "cgroup_output.h"
#include "warn.h"

static void format_clock(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* The per-process report of what is counted so far; non-zero on a read error. */
static int report_procs(struct agent *a, struct report *rep)
{
	static struct snapshot totals;
	struct proc_counts pc;
	int err = collector_read_procs(&a->coll, &pc, &totals);

	if (err) {
		warn("cannot read the per-process counts: %s\n", strerror(-err));
		return err;
	}
	rep->slots = totals.slots;
	print_proc_report(a->report, a->opts.format, rep, &pc, collector_proc_capacity(&a->coll));
	procs_counts_free(&pc);
	return 0;
}

/* The per-cgroup report of what is counted so far (cumulative); non-zero on a read error. */
static int report_cgroups(struct agent *a, struct report *rep)
{
	static __u64 totals[NR_SLOTS];
	struct cgroup_names names;
	struct cgroup_counts cc;
	int err = collector_read_cgroups(&a->coll, &cc, totals);

	if (err) {
		warn("cannot read the per-cgroup counts: %s\n", strerror(-err));
		free(cc.rows);
		return err;
	}
	if (cgroup_names_load(&names))
		warn("warning: no cgroup v2 mount found: cgroups are shown by id\n");
	rep->slots = totals;
	print_cgroup_report(a->report, a->opts.format, rep, &cc, &names);
	cgroup_names_free(&names);
	free(cc.rows);
	return 0;
}

int report_interval(struct agent *a, double now)
{
	const struct agent_opts *o = &a->opts;
	struct report rep = agent_report_base(a);
	char clock_buf[16];
	int err;

	err = collector_read(&a->coll, &a->snap);
	if (err)
		return err;
	format_clock(clock_buf, sizeof(clock_buf));
	rep.time = clock_buf;
	rep.seconds = o->coll.per_cgroup || o->coll.per_process ? now - a->start : o->interval;
	if (o->coll.per_cgroup)
		return report_cgroups(a, &rep);
	if (o->coll.per_process)
		return report_procs(a, &rep);
	for (int s = 0; s < NR_SLOTS; s++) {
		a->delta.slots[s] = a->snap.slots[s] - a->prev.slots[s];
		a->delta.compat[s] = a->snap.compat[s] - a->prev.compat[s];
	}
	a->prev = a->snap;
	rep.compat = a->delta.compat;
	rep.slots = a->delta.slots;
	print_report(a->report, o->format, &rep, !a->printed);
	a->printed = true;
	return 0;
}

/* --latency: the counts with their time in the call. */
static int report_latency(struct agent *a, struct report *rep)
{
	static struct latency lat;
	int err = collector_read_latency(&a->coll, rep->slots, &lat);

	if (err) {
		warn("cannot read the latencies: %s\n", strerror(-err));
		return err;
	}
	rep->lat = &lat;
	print_report(a->report, a->opts.format, rep, 1);
	return 0;
}

/*
 * --errors: the counts with their failed calls and errnos. Failures first, then the
 * counts again: every call they count entered before, so it is in the counts
 * (failed <= count), as in the streamed snapshots.
 */
static int report_errors(struct agent *a, struct report *rep)
{
	static __u64 failed_slots[NR_SLOTS];
	struct errno_count *errnos = NULL;
	int err = collector_read_errors(&a->coll, failed_slots, &errnos, &rep->nerrnos);

	if (err) {
		warn("cannot read the failed calls: %s\n", strerror(-err));
	} else if ((err = collector_read(&a->coll, &a->snap))) {
		warn("cannot read the counts: %s\n", strerror(-err));
	} else {
		rep->slots = a->snap.slots;
		rep->compat = a->snap.compat;
		rep->failed = failed_slots;
		rep->errnos = errnos;
		print_report(a->report, a->opts.format, rep, 1);
	}
	free(errnos);
	return err;
}

/* --errors --latency: failures, then counts, then times (the order stream_feed_push reads in). */
static int report_errors_latency(struct agent *a, struct report *rep)
{
	static __u64 failed_slots[NR_SLOTS];
	static struct latency lat;
	struct errno_count *errnos = NULL;
	int err = collector_read_errors(&a->coll, failed_slots, &errnos, &rep->nerrnos);

	if (!err)
		err = collector_read(&a->coll, &a->snap);
	if (!err)
		err = collector_read_latency(&a->coll, a->snap.slots, &lat);
	if (err) {
		warn("cannot read the failed calls and latencies: %s\n", strerror(-err));
	} else {
		rep->slots = a->snap.slots;
		rep->compat = a->snap.compat;
		rep->failed = failed_slots;
		rep->errnos = errnos;
		rep->lat = &lat;
		print_report(a->report, a->opts.format, rep, 1);
	}
	free(errnos);
	return err;
}

int report_final(struct agent *a)
{
	const struct collector_opts *c = &a->opts.coll;
	struct report rep = agent_report_base(a);

	rep.seconds = now_mono() - a->start;
	rep.slots = a->snap.slots;
	rep.compat = a->snap.compat;
	/* Per-process reports are cumulative, so the last one (at exit) is the whole run. */
	if (c->per_process && !a->feed)
		return report_procs(a, &rep);
	/* Streamed per process: the exited processes went to the control plane; here, the totals. */
	if (c->per_process)
		print_report(a->report, a->opts.format, &rep, 1);
	else if (c->per_cgroup)
		return report_cgroups(a, &rep);
	else if (c->latency && c->errors)
		return report_errors_latency(a, &rep);
	else if (c->latency)
		return report_latency(a, &rep);
	else if (c->errors)
		return report_errors(a, &rep);
	else
		print_report(a->report, a->opts.format, &rep, 1);
	return 0;
}

void report_key_cache(struct collector *coll)
{
	size_t in_use, size;
	__u64 taken;

	if (!collector_key_cache_use(coll, &in_use, &size, &taken) && size)
		warn("health: key cache: %zu of %zu entries in use, %llu calls found their entry "
		     "taken (counted in the hash)\n",
		     in_use, size, taken);
}

void report_health(struct collector *coll)
{
	__u64 insert_failed = 0, track_full = 0, comm_full = 0, errno_full = 0, inflight_full = 0,
	      misses = 0;

	if (!collector_health(coll, &insert_failed, &track_full, &comm_full, &errno_full,
			      &inflight_full, &misses) &&
	    (insert_failed || track_full || misses))
		warn("warning: counts may be short: %llu failed inserts, "
		     "%llu untracked forks, %llu skipped program runs\n",
		     insert_failed, track_full, misses);
	if (inflight_full)
		warn("warning: %llu calls were not timed (more than %d threads in "
		     "syscalls at once); their counts are exact\n",
		     inflight_full, MAX_INFLIGHT);
	if (errno_full)
		warn("warning: %llu failed calls have no errno breakdown (the errno "
		     "map was full); the FAILED counts are exact\n",
		     errno_full);
	if (comm_full)
		warn("warning: %llu process names were not recorded (shown as ?)\n", comm_full);
}
