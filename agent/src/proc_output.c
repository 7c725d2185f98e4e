// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "proc_output.h"
#include "syscall_helpers.h"
#include "syscall_table.h"
#include "warn.h"

struct proc_sum {
	__u32 tgid;
	char comm[COMM_LEN];
	int exited;
	__u64 total;
	__u32 busiest_slot;
	__u64 busiest;
};

static int by_tgid(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int by_count(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return by_tgid(a, b);
}

static int by_total(const void *a, const void *b)
{
	const struct proc_sum *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

/* Rows grouped per process (a pid drained twice, once per life, is one process here). */
static size_t summarise(struct proc_row *rows, size_t n, struct proc_sum *out)
{
	size_t m = 0;

	qsort(rows, n, sizeof(*rows), by_tgid);
	for (size_t i = 0; i < n; i++) {
		if (!m || out[m - 1].tgid != rows[i].tgid) {
			memset(&out[m], 0, sizeof(out[m]));
			out[m].tgid = rows[i].tgid;
			memcpy(out[m].comm, rows[i].comm, COMM_LEN);
			out[m].exited = rows[i].exited;
			m++;
		}
		out[m - 1].total += rows[i].count;
		if (rows[i].count > out[m - 1].busiest) {
			out[m - 1].busiest = rows[i].count;
			out[m - 1].busiest_slot = rows[i].slot;
		}
	}
	qsort(out, m, sizeof(*out), by_total);
	return m;
}

static void print_table(FILE *f, const struct report *r, const struct proc_sum *procs, size_t m,
			__u64 unattributed, size_t map_entries, size_t capacity)
{
	char buf[32], comm[COMM_LEN + 10];
	__u64 top_total = 0, total = unattributed;
	size_t shown = m < (size_t)r->top ? m : (size_t)r->top;

	for (size_t i = 0; i < m; i++)
		total += procs[i].total;
	if (r->time)
		fprintf(f, "[%s] ", r->time);
	fprintf(f,
		"Syscall counts by process for %s over %.2f s (%zu of %zu map entries in use):\n",
		r->scope, r->seconds, map_entries, capacity);
	fprintf(f, "%8s | %-24s | %12s | %s\n", "PID", "COMM", "COUNT", "BUSIEST SYSCALL");
	for (size_t i = 0; i < shown; i++) {
		snprintf(comm, sizeof(comm), "%s%s", procs[i].comm,
			 procs[i].exited ? " (exited)" : "");
		fprintf(f, "%8u | %-24s | %12llu | %s\n", procs[i].tgid, comm, procs[i].total,
			slot_name(procs[i].busiest_slot, buf, sizeof(buf)));
		top_total += procs[i].total;
	}
	if (unattributed)
		fprintf(f,
			"Unattributed (the per-process map was full; raise --proc-entries, "
			"which also turns the key cache off): %llu\n",
			unattributed);
	if (r->compat) {
		__u64 compat = 0;

		for (int s = 0; s < NR_SLOTS; s++)
			compat += r->compat[s];
		if (compat)
			fprintf(f, "32-bit (i386) calls, counted apart and not per process: %llu\n",
				compat);
	}
	fprintf(f, "Total syscalls (top %d processes): %llu\n", r->top, top_total);
	fprintf(f, "Total syscalls (%s %zu %s%s): %llu\n", m == 1 ? "the" : "all", m,
		m == 1 ? "process" : "processes", unattributed ? " and unattributed" : "", total);
}

static void csv_row(FILE *f, const char *pid, const char *comm, __u32 slot, __u64 count)
{
	fprintf(f, "%s,%s,", pid, comm);
	print_syscall_entry(f, OUT_CSV, 0, slot, count);
}

/* Index of the first row of @tgid in rows sorted by tgid. */
static size_t first_of(const struct proc_row *rows, size_t n, __u32 tgid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rows[mid].tgid < tgid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void print_proc_report(FILE *f, enum output_format fmt, const struct report *r,
		       const struct proc_counts *pc, size_t capacity)
{
	struct proc_row *rows = calloc(pc->n ? pc->n : 1, sizeof(*rows));
	struct proc_sum *procs = calloc(pc->n ? pc->n : 1, sizeof(*procs));
	__u64 unattributed = 0;
	char pid[16];
	size_t m;

	if (!rows || !procs) {
		warn("out of memory for the per-process report\n");
		goto cleanup;
	}
	memcpy(rows, pc->rows, pc->n * sizeof(*rows));
	for (int s = 0; s < NR_SLOTS; s++)
		unattributed += pc->unattributed[s];
	m = summarise(rows, pc->n, procs);

	switch (fmt) {
	case OUT_TABLE:
		print_table(f, r, procs, m, unattributed, pc->map_entries, capacity);
		break;
	case OUT_CSV:
		/* Every non-zero (process, syscall) count, busiest first; unattributed has no pid. */
		fprintf(f, "pid,comm,syscall_nr,name,count\n");
		qsort(rows, pc->n, sizeof(*rows), by_count);
		for (size_t i = 0; i < pc->n; i++) {
			snprintf(pid, sizeof(pid), "%u", rows[i].tgid);
			csv_row(f, pid, rows[i].comm, rows[i].slot, rows[i].count);
		}
		for (int s = 0; s < NR_SLOTS; s++)
			if (pc->unattributed[s])
				csv_row(f, "", "unattributed", s, pc->unattributed[s]);
		break;
	case OUT_JSON:
		qsort(rows, pc->n, sizeof(*rows), by_tgid);
		fprintf(f, "{\"arch\":\"%s\",\"scope\":", SYSCALL_TABLE_ARCH);
		json_string(f, r->scope);
		fprintf(f, ",\"seconds\":%.3f,\"unattributed\":{\"total\":%llu,\"syscalls\":[",
			r->seconds, unattributed);
		for (int s = 0, first = 1; s < NR_SLOTS; s++)
			if (pc->unattributed[s]) {
				print_syscall_entry(f, OUT_JSON, first, s, pc->unattributed[s]);
				first = 0;
			}
		fprintf(f, "]},\"processes\":[");
		for (size_t i = 0; i < m; i++) {
			int first = 1;

			fprintf(f, "%s{\"pid\":%u,\"comm\":", i ? "," : "", procs[i].tgid);
			json_string(f, procs[i].comm);
			fprintf(f, ",\"exited\":%s,\"total\":%llu,\"syscalls\":[",
				procs[i].exited ? "true" : "false", procs[i].total);
			for (size_t j = first_of(rows, pc->n, procs[i].tgid);
			     j < pc->n && rows[j].tgid == procs[i].tgid; j++) {
				print_syscall_entry(f, OUT_JSON, first, rows[j].slot,
						    rows[j].count);
				first = 0;
			}
			fprintf(f, "]}");
		}
		fprintf(f, "]}\n");
		break;
	}
	fflush(f);
cleanup:
	free(rows);
	free(procs);
}
