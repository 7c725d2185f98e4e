// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's messages of CollectorService.Collect, packed: the Hello, and each
 * snapshot with its optional rows (processes, cgroups, failures, latency, BPF stats). Syscall
 * numbers go through slot_nr(), the one slot-to-wire mapping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "syscall_counter/v1/collector.pb-c.h"
#include "stream_msg.h"
#include "syscall_helpers.h"

static uint8_t *pack_request(SyscallCounter__V1__CollectRequest *req, size_t *len)
{
	uint8_t *buf;

	*len = syscall_counter__v1__collect_request__get_packed_size(req);
	buf = malloc(*len ? *len : 1);
	if (buf)
		syscall_counter__v1__collect_request__pack(req, buf);
	return buf;
}

uint8_t *pack_hello(const struct stream_hello *o, size_t *len)
{
	SyscallCounter__V1__CollectRequest req = SYSCALL_COUNTER__V1__COLLECT_REQUEST__INIT;
	SyscallCounter__V1__Hello h = SYSCALL_COUNTER__V1__HELLO__INIT;

	h.host_id = (char *)o->host_id;
	h.hostname = (char *)o->hostname;
	h.kernel_release = (char *)o->kernel_release;
	h.arch = (char *)o->arch;
	h.boot_id = (char *)o->boot_id;
	h.agent_version = (char *)o->agent_version;
	h.map_mode = (char *)o->map_mode;
	h.interval_ms = o->interval_ms;
	h.run_id = (char *)o->run_id;
	h.run_started_unix_ms = o->started_ms;
	h.scope = (char *)o->scope;
	h.process_top_k = o->process_top_k;
	h.cgroup_top_k = o->cgroup_top_k;
	h.errors = o->errors;
	h.latency = o->latency;
	req.msg_case = SYSCALL_COUNTER__V1__COLLECT_REQUEST__MSG_HELLO;
	req.hello = &h;
	return pack_request(&req, len);
}

/* Points @msg at per-process and per-cgroup rows allocated in one block (freed by the caller). */
static void *attach_detail(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d)
{
	SyscallCounter__V1__ProcessCount *prow, **pptr;
	SyscallCounter__V1__CgroupCount *crow, **cptr;
	size_t np = d ? d->nprocs : 0, nc = d ? d->ncgroups : 0;
	char *block;

	if (!np && !nc)
		return NULL;
	block = calloc(1,
		       np * (sizeof(*prow) + sizeof(*pptr)) + nc * (sizeof(*crow) + sizeof(*cptr)));
	if (!block)
		return NULL;
	prow = (void *)block;
	crow = (void *)(prow + np);
	pptr = (void *)(crow + nc);
	cptr = (void *)(pptr + np);
	for (size_t i = 0; i < np; i++) {
		syscall_counter__v1__process_count__init(&prow[i]);
		prow[i].pid = d->procs[i].tgid;
		prow[i].comm = (char *)d->procs[i].comm;
		prow[i].nr = slot_nr(d->procs[i].slot);
		prow[i].count = d->procs[i].count;
		pptr[i] = &prow[i];
	}
	for (size_t i = 0; i < nc; i++) {
		syscall_counter__v1__cgroup_count__init(&crow[i]);
		crow[i].path = (char *)d->cgroups[i].path;
		crow[i].container = (char *)d->cgroups[i].label;
		crow[i].nr = slot_nr(d->cgroups[i].slot);
		crow[i].count = d->cgroups[i].count;
		cptr[i] = &crow[i];
	}
	msg->n_processes = np;
	msg->processes = pptr;
	msg->n_cgroups = nc;
	msg->cgroups = cptr;
	return block;
}

/* --errors: the failed-call rows (errno 0: all failures of a syscall), allocated in one block. */
static void *attach_failures(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d,
			     int *err)
{
	SyscallCounter__V1__FailureCount *rows, **ptrs;
	size_t n = 0, cap = 0;
	char *block;

	if (!d || !d->failed)
		return NULL;
	for (int slot = 0; slot < NR_SLOTS; slot++)
		cap += d->failed[slot] != 0;
	cap += d->nerrnos;
	if (!cap)
		return NULL;
	block = calloc(cap, sizeof(*rows) + sizeof(*ptrs));
	if (!block) {
		*err = -ENOMEM;
		return NULL;
	}
	rows = (void *)block;
	ptrs = (void *)(rows + cap);
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		if (!d->failed[slot])
			continue;
		syscall_counter__v1__failure_count__init(&rows[n]);
		rows[n].nr = slot_nr(slot);
		rows[n].count = d->failed[slot];
		ptrs[n] = &rows[n];
		n++;
	}
	for (size_t i = 0; i < d->nerrnos; i++) {
		if (!d->errnos[i].count || !d->errnos[i].err)
			continue;
		syscall_counter__v1__failure_count__init(&rows[n]);
		rows[n].nr = slot_nr(d->errnos[i].slot);
		rows[n].errno_code = d->errnos[i].err;
		rows[n].count = d->errnos[i].count;
		ptrs[n] = &rows[n];
		n++;
	}
	msg->n_failures = n;
	msg->failures = ptrs;
	return block;
}

/* --latency: a row per syscall with timed or unreturned calls, its non-zero buckets; one block. */
static void *attach_latency(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d,
			    int *err)
{
	SyscallCounter__V1__LatencyCount *rows, **ptrs;
	SyscallCounter__V1__LatencyBucket *buckets, **bptrs;
	size_t nrows = 0, nbuckets = 0, r = 0, b = 0;
	char *block;

	if (!d || !d->lat)
		return NULL;
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		size_t n = 0;

		for (int i = 0; i < LAT_BUCKETS; i++)
			n += d->lat->hist[slot][i] != 0;
		if (n || d->lat->unreturned[slot]) {
			nrows++;
			nbuckets += n;
		}
	}
	if (!nrows)
		return NULL;
	block = calloc(1, nrows * (sizeof(*rows) + sizeof(*ptrs)) +
				  nbuckets * (sizeof(*buckets) + sizeof(*bptrs)));
	if (!block) {
		*err = -ENOMEM;
		return NULL;
	}
	rows = (void *)block;
	buckets = (void *)(rows + nrows);
	ptrs = (void *)(buckets + nbuckets);
	bptrs = (void *)(ptrs + nrows);
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		size_t first = b;

		for (int i = 0; i < LAT_BUCKETS; i++) {
			if (!d->lat->hist[slot][i])
				continue;
			syscall_counter__v1__latency_bucket__init(&buckets[b]);
			buckets[b].bucket = i;
			buckets[b].count = d->lat->hist[slot][i];
			bptrs[b] = &buckets[b];
			b++;
		}
		if (b == first && !d->lat->unreturned[slot])
			continue;
		syscall_counter__v1__latency_count__init(&rows[r]);
		rows[r].nr = slot_nr(slot);
		rows[r].total_ns = d->lat->total_ns[slot];
		rows[r].unreturned = d->lat->unreturned[slot];
		rows[r].n_buckets = b - first;
		rows[r].buckets = &bptrs[first];
		ptrs[r] = &rows[r];
		r++;
	}
	msg->n_latency = r;
	msg->latency = ptrs;
	return block;
}

/* The loaded programs' run-time statistics (few: static rows). */
static void attach_bpf_stats(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d)
{
	static SyscallCounter__V1__BpfProgramStats rows[MAX_PROG_STATS];
	static SyscallCounter__V1__BpfProgramStats *ptrs[MAX_PROG_STATS];
	size_t n = d && d->bpf ? d->nbpf : 0;

	for (size_t i = 0; i < n && i < MAX_PROG_STATS; i++) {
		syscall_counter__v1__bpf_program_stats__init(&rows[i]);
		rows[i].program = (char *)d->bpf[i].name;
		rows[i].run_time_ns = d->bpf[i].run_time_ns;
		rows[i].run_count = d->bpf[i].run_cnt;
		ptrs[i] = &rows[i];
	}
	msg->n_bpf_programs = n < MAX_PROG_STATS ? n : MAX_PROG_STATS;
	msg->bpf_programs = ptrs;
}

/* -C: each cgroup's syscalls seen for the first time, one row per cgroup; one block. */
static void *attach_seen(SyscallCounter__V1__Snapshot *msg, const struct stream_detail *d, int *err)
{
	SyscallCounter__V1__CgroupSyscallSet *rows, **ptrs;
	size_t nslots = 0;
	int32_t *nrs;
	char *block;

	if (!d || !d->seen || !d->seen->n)
		return NULL;
	for (size_t i = 0; i < d->seen->n; i++)
		nslots += d->seen->cgroups[i].nslots;
	block = calloc(1, d->seen->n * (sizeof(*rows) + sizeof(*ptrs)) + nslots * sizeof(*nrs));
	if (!block) {
		*err = -ENOMEM;
		return NULL;
	}
	rows = (void *)block;
	ptrs = (void *)(rows + d->seen->n);
	nrs = (void *)(ptrs + d->seen->n);
	for (size_t i = 0; i < d->seen->n; i++) {
		const struct cgroup_seen *s = &d->seen->cgroups[i];

		syscall_counter__v1__cgroup_syscall_set__init(&rows[i]);
		rows[i].path = s->path;
		rows[i].container = (char *)s->label;
		rows[i].n_nrs = s->nslots;
		rows[i].nrs = nrs;
		for (size_t j = 0; j < s->nslots; j++)
			*nrs++ = slot_nr(s->slots[j]);
		ptrs[i] = &rows[i];
	}
	msg->n_cgroup_syscalls = d->seen->n;
	msg->cgroup_syscalls = ptrs;
	return block;
}

/* The native counts; 32-bit calls go in "other" (no i386 numbers on the wire yet). */
static size_t fill_counts(SyscallCounter__V1__SyscallCount *rows,
			  SyscallCounter__V1__SyscallCount **ptrs, const struct snapshot *snap)
{
	__u64 other = 0;
	size_t n = 0;

	for (int slot = 0; slot < NR_SLOTS; slot++)
		other += snap->compat[slot];
	for (int slot = 0; slot < NR_SLOTS; slot++) {
		__u64 count = snap->slots[slot] + (slot == SLOT_OTHER ? other : 0);

		if (!count)
			continue;
		syscall_counter__v1__syscall_count__init(&rows[n]);
		rows[n].nr = slot_nr(slot);
		rows[n].count = count;
		ptrs[n] = &rows[n];
		n++;
	}
	return n;
}

uint8_t *pack_snapshot(const struct snapshot_head *head, const struct snapshot *snap,
		       const struct stream_detail *detail, size_t *len, int *err)
{
	static SyscallCounter__V1__SyscallCount rows[NR_SLOTS];
	static SyscallCounter__V1__SyscallCount *ptrs[NR_SLOTS];
	SyscallCounter__V1__CollectRequest req = SYSCALL_COUNTER__V1__COLLECT_REQUEST__INIT;
	SyscallCounter__V1__Snapshot msg = SYSCALL_COUNTER__V1__SNAPSHOT__INIT;
	void *block, *fblock = NULL, *lblock = NULL, *sblock = NULL;
	uint8_t *buf = NULL;

	*err = 0;
	msg.run_id = (char *)head->run_id;
	msg.seq = head->seq;
	msg.time_unix_ms = head->time_ms;
	msg.n_counts = fill_counts(rows, ptrs, snap);
	msg.counts = ptrs;
	msg.final = head->final;
	block = attach_detail(&msg, detail);
	msg.unattributed = detail ? detail->unattributed : 0;
	attach_bpf_stats(&msg, detail);
	if (!block && detail && (detail->nprocs || detail->ncgroups))
		*err = -ENOMEM;
	if (!*err)
		fblock = attach_failures(&msg, detail, err);
	if (!*err)
		lblock = attach_latency(&msg, detail, err);
	if (!*err)
		sblock = attach_seen(&msg, detail, err);
	if (!*err) {
		req.msg_case = SYSCALL_COUNTER__V1__COLLECT_REQUEST__MSG_SNAPSHOT;
		req.snapshot = &msg;
		buf = pack_request(&req, len);
		if (!buf)
			*err = -ENOMEM;
	}
	free(block);
	free(fblock);
	free(lblock);
	free(sblock);
	return buf;
}
