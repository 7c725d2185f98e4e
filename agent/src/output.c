// SPDX-License-Identifier: GPL-2.0
/* The per-syscall report (table, CSV, JSON), with its --errors, --latency and 32-bit parts. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "output.h"
#include "collector.h"
#include "syscall_helpers.h"
#include "errno_helpers.h"
#include "syscall_table.h"

struct row {
	int slot;
	__u64 count;
};

struct lat_summary {
	__u64 timed;
	double avg_ns, p50_ns, p99_ns;
};

/* Bucket b holds [2^b, 2^(b+1)) ns: its midpoint estimates a percentile within a factor of 1.5. */
static double bucket_mid(int b)
{
	return b == 0 ? 1.0 : 1.5 * (double)(1ULL << b);
}

static struct lat_summary summarise_latency(const struct latency *lat, int slot)
{
	struct lat_summary s = {};
	__u64 seen = 0;
	int have50 = 0;

	for (int b = 0; b < LAT_BUCKETS; b++)
		s.timed += lat->hist[slot][b];
	if (!s.timed)
		return s;
	s.avg_ns = (double)lat->total_ns[slot] / s.timed;
	for (int b = 0; b < LAT_BUCKETS; b++) {
		seen += lat->hist[slot][b];
		if (!have50 && seen * 2 >= s.timed) {
			s.p50_ns = bucket_mid(b);
			have50 = 1;
		}
		if (seen * 100 >= s.timed * 99) {
			s.p99_ns = bucket_mid(b);
			break;
		}
	}
	return s;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->slot - y->slot;
}

/* Non-zero slots, busiest first; returns how many. */
static int sorted_rows(const __u64 *slots, struct row *rows, __u64 *total)
{
	int n = 0;

	*total = 0;
	for (int s = 0; s < NR_SLOTS; s++) {
		if (!slots[s])
			continue;
		rows[n].slot = s;
		rows[n].count = slots[s];
		*total += slots[s];
		n++;
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	return n;
}

/* The 32-bit calls, busiest first, after the native ones: in their own section, by i386 name. */
static void print_compat(FILE *f, enum output_format fmt, const struct report *r)
{
	static struct row rows[NR_SLOTS];
	char buf[32];
	__u64 total;
	int n;

	if (!r->compat)
		return;
	n = sorted_rows(r->compat, rows, &total);
	if (!n)
		return;
	for (int i = 0; i < n; i++) {
		const char *name = compat_slot_name(rows[i].slot, buf, sizeof(buf));

		if (fmt == OUT_TABLE) {
			if (!i)
				fprintf(f, "32-bit (i386) syscalls:\n%8s | %-24s | %12s\n",
					"SYSCALL#", "NAME", "COUNT");
			if (rows[i].slot == SLOT_OTHER)
				fprintf(f, "%8s | %-24s | %12llu\n", "-", name, rows[i].count);
			else
				fprintf(f, "%8d | %-24s | %12llu\n", slot_nr(rows[i].slot), name,
					rows[i].count);
		} else if (fmt == OUT_CSV) {
			char prefixed[48];

			if (r->time)
				fprintf(f, "%s,", r->time);
			snprintf(prefixed, sizeof(prefixed), "i386:%s", name);
			print_slot_fields(f, fmt, rows[i].slot, prefixed);
			fprintf(f, ",%llu\n", rows[i].count);
		}
	}
	if (fmt == OUT_TABLE)
		fprintf(f, "Total 32-bit syscalls: %llu\n", total);
}

static void print_compat_json(FILE *f, const struct report *r)
{
	static struct row rows[NR_SLOTS];
	char buf[32];
	__u64 total = 0;
	int n = r->compat ? sorted_rows(r->compat, rows, &total) : 0;

	fprintf(f, ",\"compat\":{\"arch\":\"i386\",\"total\":%llu,\"syscalls\":[", total);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s{", i ? "," : "");
		print_slot_fields(f, OUT_JSON, rows[i].slot,
				  compat_slot_name(rows[i].slot, buf, sizeof(buf)));
		fprintf(f, ",\"count\":%llu}", rows[i].count);
	}
	fprintf(f, "]}");
}

static int by_errno_count(const void *a, const void *b)
{
	const struct errno_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->err < y->err ? -1 : x->err > y->err;
}

/* The errno values of @slot, most frequent first: "ENOENT 12, EAGAIN 3" (at most @max). */
static void print_errnos(FILE *f, const struct report *r, int slot, int max, const char *sep,
			 const char *between)
{
	char buf[32];
	int shown = 0, more = 0;

	for (size_t i = 0; i < r->nerrnos; i++) {
		if ((int)r->errnos[i].slot != slot)
			continue;
		if (max && shown == max) {
			more++;
			continue;
		}
		fprintf(f, "%s%s%s%llu", shown ? sep : "",
			errno_name(r->errnos[i].err, buf, sizeof(buf)), between,
			r->errnos[i].count);
		shown++;
	}
	if (more)
		fprintf(f, "%s+%d more", sep, more);
}

static void print_table(FILE *f, const struct report *r, const struct row *rows, int n, __u64 total)
{
	char buf[32];
	__u64 top_total = 0;
	int shown = n < r->top ? n : r->top;

	if (r->time)
		fprintf(f, "[%s] ", r->time);
	fprintf(f, "Syscall counts for %s over %.2f s (map %s):\n", r->scope, r->seconds,
		r->map_mode);
	/* Padded by hand: printf counts bytes, and µs is 3 bytes in 2 columns (spelled as the CLI does). */
	if (r->lat)
		fprintf(f, "%8s | %-24s | %12s | %s | %s | %s\n", "SYSCALL#", "NAME", "COUNT",
			"    AVG µs", "    P50 µs", "    P99 µs");
	else if (r->failed)
		fprintf(f, "%8s | %-24s | %12s | %10s | %s\n", "SYSCALL#", "NAME", "COUNT",
			"FAILED", "ERRNOS");
	else
		fprintf(f, "%8s | %-24s | %12s\n", "SYSCALL#", "NAME", "COUNT");
	for (int i = 0; i < shown; i++) {
		char nr[16];

		if (rows[i].slot == SLOT_OTHER)
			snprintf(nr, sizeof(nr), "-");
		else
			snprintf(nr, sizeof(nr), "%d", slot_nr(rows[i].slot));
		if (r->lat) {
			struct lat_summary l = summarise_latency(r->lat, rows[i].slot);

			fprintf(f, "%8s | %-24s | %12llu | ", nr,
				slot_name(rows[i].slot, buf, sizeof(buf)), rows[i].count);
			if (l.timed)
				fprintf(f, "%10.2f | %10.2f | %10.2f\n", l.avg_ns / 1e3,
					l.p50_ns / 1e3, l.p99_ns / 1e3);
			else
				fprintf(f, "%10s | %10s | %10s\n", "-", "-", "-");
		} else if (r->failed) {
			fprintf(f, "%8s | %-24s | %12llu | %10llu | ", nr,
				slot_name(rows[i].slot, buf, sizeof(buf)), rows[i].count,
				r->failed[rows[i].slot]);
			if (r->failed[rows[i].slot])
				print_errnos(f, r, rows[i].slot, 3, ", ", " ");
			else
				fputc('-', f);
			fputc('\n', f);
		} else {
			fprintf(f, "%8s | %-24s | %12llu\n", nr,
				slot_name(rows[i].slot, buf, sizeof(buf)), rows[i].count);
		}
		top_total += rows[i].count;
	}
	fprintf(f, "Total syscalls (top %d): %llu\n", shown, top_total);
	if (n == 1)
		fprintf(f, "Total syscalls (the 1 kind): %llu\n", total);
	else
		fprintf(f, "Total syscalls (all %d kinds): %llu\n", n, total);
}

static void print_csv(FILE *f, const struct report *r, const struct row *rows, int n, int first)
{
	char buf[32];

	if (first)
		fprintf(f, "%ssyscall_nr,name,count%s%s\n", r->time ? "time," : "",
			r->failed ? ",failed,errnos" : "",
			r->lat ? ",timed,avg_ns,p50_ns,p99_ns,unreturned" : "");
	for (int i = 0; i < n; i++) {
		if (r->time)
			fprintf(f, "%s,", r->time);
		print_slot_fields(f, OUT_CSV, rows[i].slot,
				  slot_name(rows[i].slot, buf, sizeof(buf)));
		fprintf(f, ",%llu", rows[i].count);
		if (r->failed) {
			/* errnos as "ENOENT:12 EAGAIN:3": no commas inside the field. */
			fprintf(f, ",%llu,", r->failed[rows[i].slot]);
			print_errnos(f, r, rows[i].slot, 0, " ", ":");
		}
		if (r->lat) {
			struct lat_summary l = summarise_latency(r->lat, rows[i].slot);

			fprintf(f, ",%llu,%.0f,%.0f,%.0f,%llu", l.timed, l.avg_ns, l.p50_ns,
				l.p99_ns, r->lat->unreturned[rows[i].slot]);
		}
		fputc('\n', f);
	}
}

/* One document per report (a line each in interval mode). */
static void print_json(FILE *f, const struct report *r, const struct row *rows, int n, __u64 total)
{
	char buf[32];

	fprintf(f, "{\"arch\":\"%s\",\"scope\":", SYSCALL_TABLE_ARCH);
	json_string(f, r->scope);
	fprintf(f, ",\"map\":\"%s\",\"seconds\":%.3f,", r->map_mode, r->seconds);
	if (r->time)
		fprintf(f, "\"time\":\"%s\",", r->time);
	fprintf(f, "\"total\":%llu,\"syscalls\":[", total);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s{", i ? "," : "");
		print_slot_fields(f, OUT_JSON, rows[i].slot,
				  slot_name(rows[i].slot, buf, sizeof(buf)));
		fprintf(f, ",\"count\":%llu", rows[i].count);
		if (r->failed) {
			int first = 1;

			fprintf(f, ",\"failed\":%llu,\"errnos\":[", r->failed[rows[i].slot]);
			for (size_t j = 0; j < r->nerrnos; j++) {
				if ((int)r->errnos[j].slot != rows[i].slot)
					continue;
				fprintf(f, "%s{\"errno\":%u,\"name\":\"%s\",\"count\":%llu}",
					first ? "" : ",", r->errnos[j].err,
					errno_name(r->errnos[j].err, buf, sizeof(buf)),
					r->errnos[j].count);
				first = 0;
			}
			fputc(']', f);
		}
		if (r->lat) {
			struct lat_summary l = summarise_latency(r->lat, rows[i].slot);
			int first = 1;

			fprintf(f,
				",\"latency\":{\"timed\":%llu,\"total_ns\":%llu,\"avg_ns\":%.1f,\"p50_ns\":%.0f,"
				"\"p99_ns\":%.0f,\"unreturned\":%llu,\"hist\":[",
				l.timed, r->lat->total_ns[rows[i].slot], l.avg_ns, l.p50_ns,
				l.p99_ns, r->lat->unreturned[rows[i].slot]);
			for (int b = 0; b < LAT_BUCKETS; b++) {
				if (!r->lat->hist[rows[i].slot][b])
					continue;
				fprintf(f, "%s{\"from_ns\":%llu,\"to_ns\":%llu,\"count\":%llu}",
					first ? "" : ",", b ? 1ULL << b : 0ULL, 1ULL << (b + 1),
					r->lat->hist[rows[i].slot][b]);
				first = 0;
			}
			fprintf(f, "]}");
		}
		fputc('}', f);
	}
	fputc(']', f);
	print_compat_json(f, r);
	fprintf(f, "}\n");
}

void print_report(FILE *f, enum output_format fmt, const struct report *r, int first)
{
	static struct row rows[NR_SLOTS];
	__u64 total;
	int n = sorted_rows(r->slots, rows, &total);

	if (r->errnos)
		qsort((void *)r->errnos, r->nerrnos, sizeof(*r->errnos), by_errno_count);

	switch (fmt) {
	case OUT_TABLE:
		print_table(f, r, rows, n, total);
		print_compat(f, fmt, r);
		break;
	case OUT_CSV:
		print_csv(f, r, rows, n, first);
		print_compat(f, fmt, r);
		break;
	case OUT_JSON:
		print_json(f, r, rows, n, total);
		break;
	}
	fflush(f);
}
