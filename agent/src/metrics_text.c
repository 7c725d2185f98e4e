// SPDX-License-Identifier: GPL-2.0
/*
 * --metrics-addr: the agent's counts in the Prometheus text format 0.0.4, with the names,
 * labels and help of the control plane's /metrics (apps/control-plane/src/metrics), so one
 * dashboard and one set of rules serve both.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "metrics_text.h"
#include "errno_helpers.h"
#include "options.h"
#include "syscall_helpers.h"

#define LATENCY "syscall_counter_syscall_duration_seconds"

void mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->p && b->len + n < b->cap) {
			b->len += n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 64 * 1024;
		while (cap <= b->len + n)
			cap *= 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

void mbuf_free(struct mbuf *b)
{
	free(b->p);
	*b = (struct mbuf){};
}

/* A label value as the exposition format wants it: \ " and newline escaped. */
static const char *escape(const char *v, char *buf, size_t len)
{
	size_t o = 0;

	if (!strpbrk(v, "\\\"\n"))
		return v;
	for (; *v && o + 3 < len; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n')
			buf[o++] = '\\';
		buf[o++] = *v == '\n' ? 'n' : *v;
	}
	buf[o] = '\0';
	return buf;
}

/*
 * A float as JavaScript's String(x) spells it (the shortest digits that read back the same;
 * exponent form below 1e-6): the control plane's le labels, which must match string for string
 * for one histogram_quantile over agents and control planes.
 */
static const char *js_number(double x, char *buf, size_t len)
{
	char sci[32], digits[24];
	int prec, exp, nd = 0;

	if (x <= 0)
		return "0";
	for (prec = 1;; prec++) {
		snprintf(sci, sizeof(sci), "%.*e", prec - 1, x);
		if (prec == 17 || strtod(sci, NULL) == x)
			break;
	}
	exp = atoi(strchr(sci, 'e') + 1);
	for (const char *p = sci; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	digits[nd] = '\0';
	if (exp >= 21 || exp < -6)
		snprintf(buf, len, "%c%s%se%c%d", digits[0], nd > 1 ? "." : "", digits + 1,
			 exp < 0 ? '-' : '+', abs(exp));
	else if (exp < 0)
		snprintf(buf, len, "0.%.*s%s", -exp - 1, "00000", digits);
	else if (nd <= exp + 1)
		snprintf(buf, len, "%s%.*s", digits, exp + 1 - nd, "00000000000000000000");
	else
		snprintf(buf, len, "%.*s.%s", exp + 1, digits, digits + exp + 1);
	return buf;
}

/* OpenMetrics names a counter's family without the _total its samples end in. */
static void family(struct mbuf *b, const char *name, const char *type, const char *help)
{
	int len = strlen(name);

	if (b->openmetrics && !strcmp(type, "counter") && len > 6 &&
	    !strcmp(name + len - 6, "_total"))
		len -= 6;
	mbuf_printf(b, "# HELP %.*s %s\n# TYPE %.*s %s\n", len, name, help, len, name, type);
}

/* The calls of 32-bit tasks are counted as "other", as they are streamed (stream_msg.c). */
static void syscalls(struct mbuf *b, const struct metrics_data *d, const char *host)
{
	__u64 compat = 0;
	char name[32];

	for (int slot = 0; slot < NR_SLOTS; slot++)
		compat += d->snap.compat[slot];
	family(b, "syscall_counter_syscalls_total", "counter",
	       "System calls per host and syscall, since the agent started (exact in-kernel counts).");
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		__u64 n = d->snap.slots[slot] + (slot == SLOT_OTHER ? compat : 0);

		if (n)
			mbuf_printf(
				b,
				"syscall_counter_syscalls_total{host=\"%s\",syscall=\"%s\"} %llu\n",
				host, slot_name(slot, name, sizeof(name)), n);
	}
}

static void errors(struct mbuf *b, const struct metrics_data *d, const char *host)
{
	char name[32], err[32];

	family(b, "syscall_counter_syscall_errors_total", "counter",
	       "Failed system calls per host, syscall and errno (--errors).");
	for (size_t i = 0; i < d->nerrnos; i++) {
		const struct errno_count *r = &d->errnos[i];

		if (r->slot < NR_SLOTS && r->count)
			mbuf_printf(
				b,
				"syscall_counter_syscall_errors_total{host=\"%s\",syscall=\"%s\","
				"errno=\"%s\"} %llu\n",
				host, slot_name(r->slot, name, sizeof(name)),
				errno_name(r->err, err, sizeof(err)), r->count);
	}
}

/* Bucket b holds calls of [2^b, 2^(b+1)) ns: le is its upper bound, to the last non-empty one. */
static void latency(struct mbuf *b, const struct metrics_data *d, const char *host)
{
	char name[32], le[48], sum[48];

	family(b, LATENCY, "histogram",
	       "Time in system calls per host and syscall, log2 buckets (--latency).");
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		const __u64 *h = d->lat->hist[slot];
		const char *sc = slot_name(slot, name, sizeof(name));
		__u64 cumulative = 0;
		int top = -1;

		for (int i = 0; i < LAT_BUCKETS; i++)
			if (h[i])
				top = i;
		if (top < 0)
			continue;
		for (int i = 0; i <= top; i++) {
			cumulative += h[i];
			mbuf_printf(b,
				    LATENCY "_bucket{host=\"%s\",syscall=\"%s\",le=\"%s\"} %llu\n",
				    host, sc,
				    js_number((double)(1ULL << i) * 2 / 1e9, le, sizeof(le)),
				    cumulative);
		}
		mbuf_printf(b, LATENCY "_bucket{host=\"%s\",syscall=\"%s\",le=\"+Inf\"} %llu\n",
			    host, sc, cumulative);
		mbuf_printf(b, LATENCY "_sum{host=\"%s\",syscall=\"%s\"} %s\n", host, sc,
			    js_number(d->lat->total_ns[slot] / 1e9, sum, sizeof(sum)));
		mbuf_printf(b, LATENCY "_count{host=\"%s\",syscall=\"%s\"} %llu\n", host, sc,
			    cumulative);
	}
}

static void bpf_stats(struct mbuf *b, const struct metrics_data *d, const char *host)
{
	char secs[48];

	family(b, "syscall_counter_agent_bpf_run_time_seconds_total", "counter",
	       "Time in the agent's BPF programs (kernel run-time statistics), per host and program.");
	for (size_t i = 0; i < d->nbpf; i++)
		mbuf_printf(
			b,
			"syscall_counter_agent_bpf_run_time_seconds_total{host=\"%s\",program=\"%s\"} "
			"%s\n",
			host, d->bpf[i].name,
			js_number(d->bpf[i].run_time_ns / 1e9, secs, sizeof(secs)));
	family(b, "syscall_counter_agent_bpf_runs_total", "counter",
	       "Runs of the agent's BPF programs (kernel run-time statistics), per host and program.");
	for (size_t i = 0; i < d->nbpf; i++)
		mbuf_printf(
			b,
			"syscall_counter_agent_bpf_runs_total{host=\"%s\",program=\"%s\"} %llu\n",
			host, d->bpf[i].name, d->bpf[i].run_cnt);
}

void metrics_render(const struct metrics_data *d, struct mbuf *b, bool openmetrics)
{
	char hbuf[1024];
	/* Host ids are at most 128 characters (host_facts.h), so escaped they fit. */
	const char *host = escape(d->host, hbuf, sizeof(hbuf));

	b->openmetrics = openmetrics;
	syscalls(b, d, host);
	if (d->errors)
		errors(b, d, host);
	if (d->lat)
		latency(b, d, host);
	bpf_stats(b, d, host);
	if (d->has_unattributed) {
		family(b, "syscall_counter_agent_unattributed_total", "counter",
		       "Calls the agent counted but could not attribute to a process or container "
		       "(its map was full).");
		mbuf_printf(b, "syscall_counter_agent_unattributed_total{host=\"%s\"} %llu\n", host,
			    d->unattributed);
	}
	family(b, "syscall_counter_build_info", "gauge", "The agent's version.");
	mbuf_printf(b, "syscall_counter_build_info{version=\"%s\"} 1\n", AGENT_VERSION);
	if (openmetrics)
		mbuf_printf(b, "# EOF\n");
}
