// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "cgroup_output.h"
#include "syscall_helpers.h"
#include "syscall_table.h"
#include "warn.h"

struct cgroup_sum {
	__u64 cgid;
	__u64 total;
	__u32 busiest_slot;
	__u64 busiest;
};

static int rows_by_cgroup(const void *a, const void *b)
{
	const struct cgroup_row *x = a, *y = b;

	if (x->cgid != y->cgid)
		return x->cgid < y->cgid ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int rows_by_count(const void *a, const void *b)
{
	const struct cgroup_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return rows_by_cgroup(a, b);
}

static int sums_by_total(const void *a, const void *b)
{
	const struct cgroup_sum *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->cgid < y->cgid ? -1 : x->cgid > y->cgid;
}

/* The cgroup's path, or "cgroup_<id>" for one removed since it was counted. */
static const char *path_of(const struct cgroup_names *names, __u64 id, char *buf, size_t len)
{
	const char *p = cgroup_names_find(names, id);

	if (p)
		return p;
	snprintf(buf, len, "cgroup_%llu", id);
	return buf;
}

/* Per cgroup: its total and busiest syscall, busiest first; returns how many (sorts @cc's rows). */
static size_t sum_by_cgroup(struct cgroup_counts *cc, struct cgroup_sum *sums)
{
	size_t m = 0;

	qsort(cc->rows, cc->n, sizeof(*cc->rows), rows_by_cgroup);
	for (size_t i = 0; i < cc->n; i++) {
		if (!m || sums[m - 1].cgid != cc->rows[i].cgid)
			sums[m++] = (struct cgroup_sum){ .cgid = cc->rows[i].cgid };
		sums[m - 1].total += cc->rows[i].count;
		if (cc->rows[i].count > sums[m - 1].busiest) {
			sums[m - 1].busiest = cc->rows[i].count;
			sums[m - 1].busiest_slot = cc->rows[i].slot;
		}
	}
	qsort(sums, m, sizeof(*sums), sums_by_total);
	return m;
}

static void print_cgroup_table(FILE *f, const struct report *r, const struct cgroup_sum *sums,
			       size_t m, __u64 unattributed, const struct cgroup_names *names)
{
	char pbuf[64], label[128], buf[32];
	__u64 total = 0, top_total = 0, compat = 0;

	fprintf(f, "Syscall counts by cgroup for %s over %.2f s (cgroup2 at %s):\n", r->scope,
		r->seconds, names->root[0] ? names->root : "?");
	fprintf(f, "%-48s | %-24s | %12s | %s\n", "CGROUP", "CONTAINER/UNIT", "COUNT",
		"BUSIEST SYSCALL");
	for (size_t i = 0; i < m; i++) {
		const char *path = path_of(names, sums[i].cgid, pbuf, sizeof(pbuf));

		total += sums[i].total;
		if (i >= (size_t)r->top)
			continue;
		cgroup_label(path, label, sizeof(label));
		fprintf(f, "%-48s | %-24s | %12llu | %s\n", path, label[0] ? label : "-",
			sums[i].total, slot_name(sums[i].busiest_slot, buf, sizeof(buf)));
		top_total += sums[i].total;
	}
	if (unattributed)
		fprintf(f,
			"Unattributed (the per-cgroup map was full; raise --proc-entries): %llu\n",
			unattributed);
	for (int s = 0; r->compat && s < NR_SLOTS; s++)
		compat += r->compat[s];
	if (compat)
		fprintf(f, "32-bit (i386) calls, counted apart and not per cgroup: %llu\n", compat);
	fprintf(f, "Total syscalls (top %d cgroups): %llu\n", r->top, top_total);
	fprintf(f, "Total syscalls (%s %zu %s%s): %llu\n", m == 1 ? "the" : "all", m,
		m == 1 ? "cgroup" : "cgroups", unattributed ? " and unattributed" : "",
		total + unattributed);
}

/* Every non-zero (cgroup, syscall) count, busiest first; unattributed rows have no cgroup. */
static void print_cgroup_csv(FILE *f, struct cgroup_counts *cc, const struct cgroup_names *names)
{
	char pbuf[64], label[128];

	fprintf(f, "cgroup_id,cgroup,container,syscall_nr,name,count\n");
	qsort(cc->rows, cc->n, sizeof(*cc->rows), rows_by_count);
	for (size_t i = 0; i < cc->n; i++) {
		const char *path = path_of(names, cc->rows[i].cgid, pbuf, sizeof(pbuf));

		cgroup_label(path, label, sizeof(label));
		fprintf(f, "%llu,%s,%s,", cc->rows[i].cgid, path, label);
		print_syscall_entry(f, OUT_CSV, 0, cc->rows[i].slot, cc->rows[i].count);
	}
	for (int s = 0; s < NR_SLOTS; s++)
		if (cc->unattributed[s]) {
			fprintf(f, ",unattributed,,");
			print_syscall_entry(f, OUT_CSV, 0, s, cc->unattributed[s]);
		}
}

static void print_cgroup_json(FILE *f, const struct report *r, const struct cgroup_counts *cc,
			      const struct cgroup_sum *sums, size_t m, __u64 unattributed,
			      const struct cgroup_names *names)
{
	char pbuf[64], label[128];

	fprintf(f, "{\"arch\":\"%s\",\"scope\":", SYSCALL_TABLE_ARCH);
	json_string(f, r->scope);
	fprintf(f, ",\"seconds\":%.3f,\"unattributed\":{\"total\":%llu,\"syscalls\":[", r->seconds,
		unattributed);
	for (int s = 0, first = 1; s < NR_SLOTS; s++)
		if (cc->unattributed[s]) {
			print_syscall_entry(f, OUT_JSON, first, s, cc->unattributed[s]);
			first = 0;
		}
	fprintf(f, "]},\"cgroups\":[");
	for (size_t i = 0; i < m; i++) {
		const char *path = path_of(names, sums[i].cgid, pbuf, sizeof(pbuf));
		int first = 1;

		cgroup_label(path, label, sizeof(label));
		fprintf(f, "%s{\"id\":%llu,\"path\":", i ? "," : "", sums[i].cgid);
		json_string(f, path);
		fprintf(f, ",\"container\":");
		json_string(f, label);
		fprintf(f, ",\"total\":%llu,\"syscalls\":[", sums[i].total);
		for (size_t j = 0; j < cc->n; j++)
			if (cc->rows[j].cgid == sums[i].cgid) {
				print_syscall_entry(f, OUT_JSON, first, cc->rows[j].slot,
						    cc->rows[j].count);
				first = 0;
			}
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
}

void print_cgroup_report(FILE *f, enum output_format fmt, const struct report *r,
			 struct cgroup_counts *cc, const struct cgroup_names *names)
{
	struct cgroup_sum *sums = calloc(cc->n ? cc->n : 1, sizeof(*sums));
	__u64 unattributed = 0;
	size_t m;

	if (!sums) {
		warn("out of memory for the per-cgroup report\n");
		return;
	}
	for (int s = 0; s < NR_SLOTS; s++)
		unattributed += cc->unattributed[s];
	m = sum_by_cgroup(cc, sums);
	switch (fmt) {
	case OUT_TABLE:
		print_cgroup_table(f, r, sums, m, unattributed, names);
		break;
	case OUT_CSV:
		print_cgroup_csv(f, cc, names);
		break;
	case OUT_JSON:
		print_cgroup_json(f, r, cc, sums, m, unattributed, names);
		break;
	}
	fflush(f);
	free(sums);
}
