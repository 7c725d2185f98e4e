/* SPDX-License-Identifier: GPL-2.0 */
/* --metrics-addr: what a scrape shows, read from the maps, and its Prometheus text. */
#ifndef __METRICS_TEXT_H
#define __METRICS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf_stats.h"
#include "collector.h"

/*
 * A growing text buffer; oom is set (and the text left short) when memory runs out. openmetrics:
 * metrics_render() is writing OpenMetrics into it (how family names are spelled).
 */
struct mbuf {
	char *p;
	size_t len, cap;
	bool oom;
	bool openmetrics;
};

void mbuf_printf(struct mbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mbuf_free(struct mbuf *b);

/* One scrape's read of the maps: cumulative since the agent started, like the snapshots. */
struct metrics_data {
	const char *host;
	struct snapshot snap;
	bool errors; /* --errors: errnos holds the (syscall, errno) counts */
	struct errno_count *errnos;
	size_t nerrnos;
	struct latency *lat; /* --latency: the histograms; NULL without */
	struct bpf_prog_stat bpf[MAX_PROG_STATS];
	size_t nbpf;
	bool has_unattributed; /* -P/-C: calls their maps had no room to attribute */
	__u64 unattributed;
};

/* Reads what a scrape shows; the caller holds the collector (metrics_http.c's lock). */
int metrics_read(struct collector *c, struct metrics_data *d);
/* Frees what metrics_read() allocated for one scrape (the errno rows). */
void metrics_data_reset(struct metrics_data *d);
/*
 * The exposition of @d in the Prometheus text format 0.0.4, or OpenMetrics 1.0 (@openmetrics:
 * the same samples; counter families named without _total; '# EOF' at the end).
 */
void metrics_render(const struct metrics_data *d, struct mbuf *out, bool openmetrics);

#endif /* __METRICS_TEXT_H */
