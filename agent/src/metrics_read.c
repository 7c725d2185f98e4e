// SPDX-License-Identifier: GPL-2.0
/*
 * --metrics-addr: one scrape's read of the maps, through the collector's own read functions in
 * the order the snapshots read them (stream_feed.c): failures, counts, latency, BPF statistics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "metrics_text.h"

/* The per-host counts; with -P or -C, the per-process or per-cgroup sums plus what they missed. */
static int read_counts(struct collector *c, struct metrics_data *d)
{
	int err;

	d->unattributed = 0;
	if (c->per_process) {
		struct proc_counts pc;

		memset(&d->snap, 0, sizeof(d->snap));
		err = collector_read_procs(c, &pc, &d->snap);
		for (int s = 0; s < NR_SLOTS; s++)
			d->unattributed += pc.unattributed[s];
		procs_counts_free(&pc);
		d->has_unattributed = true;
		return err;
	}
	if (c->per_cgroup) {
		struct cgroup_counts cc;

		err = collector_read_cgroup_snapshot(c, &cc, &d->snap);
		for (int s = 0; s < NR_SLOTS; s++)
			d->unattributed += cc.unattributed[s];
		free(cc.rows);
		d->has_unattributed = true;
		return err;
	}
	return collector_read(c, &d->snap);
}

int metrics_read(struct collector *c, struct metrics_data *d)
{
	/* One scrape's failures array: the per-slot sums, which the exposition does not show. */
	static __u64 failed[NR_SLOTS];
	int err = 0;

	metrics_data_reset(d);
	/* Failures first: every call they count entered before, so it is in the counts read next. */
	d->errors = c->errors;
	if (c->errors)
		err = collector_read_errors(c, failed, &d->errnos, &d->nerrnos);
	if (!err)
		err = read_counts(c, d);
	if (!err && c->latency) {
		if (!d->lat && !(d->lat = malloc(sizeof(*d->lat))))
			return -ENOMEM;
		err = collector_read_latency(c, d->snap.slots, d->lat);
	}
	d->nbpf = bpf_stats_read(c, d->bpf);
	return err;
}

void metrics_data_reset(struct metrics_data *d)
{
	free(d->errnos);
	d->errnos = NULL;
	d->nerrnos = 0;
}
