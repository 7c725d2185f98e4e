/* SPDX-License-Identifier: GPL-2.0 */
/* Per-process counts (-P): read from the BPF maps, with exited processes drained. */
#ifndef __PROCS_H
#define __PROCS_H

#include <stddef.h>
#include <linux/types.h>
#include "syscall_counter.h"
#include "map_batch.h"
#include "key_cache.h"

struct proc_row {
	__u32 tgid;
	__u32 slot;
	__u64 count;
	char comm[COMM_LEN];
	int exited;
};

/* Every (process, syscall) count since the start, and what could not be attributed. */
struct proc_counts {
	struct proc_row *rows;
	size_t n, cap;
	__u64 unattributed[NR_SLOTS];
	size_t map_entries; /* entries in use in the BPF map at the last read */
};

struct procs {
	int counts_fd, comms_fd, unattributed_fd;
	/* Streaming: the live processes' counts at the previous interval, sorted by (tgid, slot). */
	struct proc_counts last;
	int ncpus;
	/* Counts of processes that exited, moved out of the BPF map. */
	struct proc_counts ledger;
	/* Streaming: exited processes reported and forgotten, per slot, so totals stay cumulative. */
	__u64 retired[NR_SLOTS];
	/* The last reads of the maps, kept to reuse their buffers. */
	struct map_entries counts, comms;
	/* The cache the program counts in before the map (NULL or empty: none), read with it. */
	struct key_cache *cache;
};

int procs_init(struct procs *p, int counts_fd, int comms_fd, int unattributed_fd, int ncpus,
	       size_t max_entries);
/*
 * Reads every count into @out (live processes from the map, exited ones from the
 * ledger) and fills @slots with their per-syscall sums plus the unattributed
 * counts, so sum(per-process) + unattributed == total holds for every read.
 * Processes found dead are drained from the map into the ledger first.
 */
int procs_read(struct procs *p, struct proc_counts *out, __u64 *slots);
void procs_counts_free(struct proc_counts *c);
/*
 * Streaming: the calls since the previous call of this function of the @k busiest processes
 * (rows with count = the interval's delta, malloc'ed into @out), from @cur as procs_read()
 * returned it. Exited processes are reported one last time and then forgotten.
 */
int procs_interval(struct procs *p, const struct proc_counts *cur, size_t k, struct proc_row **out,
		   size_t *nout);
void procs_free(struct procs *p);

#endif /* __PROCS_H */
