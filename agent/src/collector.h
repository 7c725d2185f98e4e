/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __COLLECTOR_H
#define __COLLECTOR_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>
#include "syscall_counter.h"
#include "procs.h"

struct syscall_counter_bpf;
struct bpf_link;

struct collector_opts {
	enum map_mode mode;
	pid_t targ_tgid;  /* 0: every process */
	pid_t targ_tid;	  /* 0: every thread */
	pid_t excl_tgid;  /* a process never counted (the agent itself); 0: none */
	const char *comm; /* NULL: any name */
	bool filter_uid;
	__u32 uid;
	const __u8 *syscall_bits; /* NULL: every syscall; else SLOT_BITMAP_BYTES */
	bool failed_only;	  /* -x: count failing calls (at sys_exit) instead of all */
	__u32 targ_errno;	  /* with failed_only: only this errno (0: any) */
	bool errors;		  /* --errors: also count failures per syscall and errno */
	bool follow;		  /* count only tracked processes and their descendants */
	bool verbose;
	bool no_attach;	    /* load only: for BPF_PROG_TEST_RUN */
	bool per_process;   /* count per (process, syscall); replaces the map mode */
	__u32 proc_entries; /* bound of the per-process map (0: PROC_ENTRIES_DEFAULT) */
	bool latency;	    /* --latency: also time each call, enter to exit */
	bool per_cgroup;    /* count per (cgroup v2, syscall); replaces the map mode */
	const char *cgroup; /* --cgroup: a cgroup v2 directory (it and below), or NULL */
	const char *kconfig; /* tests: overrides of the kernel's config (CONFIG_X=n lines), or NULL */
	/*
	 * -P, -C: the key cache in front of their map. 0: on unless proc_entries bounds the map (then
	 * the cache, holding keys of its own, would let more keys in than asked); < 0 off; > 0 on.
	 */
	int key_cache;
};

struct cgroup_row {
	__u64 cgid;
	__u32 slot;
	__u64 count;
};

/* Every (cgroup, syscall) count, and what could not be attributed. */
struct cgroup_counts {
	struct cgroup_row *rows;
	size_t n;
	__u64 unattributed[NR_SLOTS];
};

/* --latency results, per slot. */
struct latency {
	__u64 hist[NR_SLOTS][LAT_BUCKETS]; /* bucket b: [2^b, 2^(b+1)) ns; bucket 0 also holds 0 */
	__u64 total_ns[NR_SLOTS];
	__u64 unreturned[NR_SLOTS];
};

/* How calls are counted: exactly one mode per run; the first four are the --map modes. */
enum count_mode {
	COUNT_PERCPU = MAP_PERCPU,
	COUNT_HASH = MAP_HASH,
	COUNT_PERCPU_HASH = MAP_PERCPU_HASH,
	COUNT_EMPTY = MAP_EMPTY,
	COUNT_FAILED,	   /* -x/-e: failing calls, at sys_exit, into counts_percpu */
	COUNT_PER_PROCESS, /* -P: per (process, slot) */
	COUNT_PER_CGROUP,  /* -C: per (cgroup, slot) */
	NR_COUNT_MODES,
};

struct collector {
	struct syscall_counter_bpf *skel;
	struct bpf_link *links[8];
	int nr_links;
	enum map_mode mode;
	enum count_mode count_mode;
	int counts_fd;
	int prog_fd;
	bool percpu;
	int ncpus;
	__u32 *keys;
	__u64 *values;
	bool per_process;
	bool errors;
	bool latency;
	bool per_cgroup;
	struct procs procs;
	struct key_cache kcache; /* -P, -C: the per-CPU cache in front of their hash */
};

/* Cumulative counts since the program was attached, one per slot. */
struct snapshot {
	__u64 slots[NR_SLOTS];
	/* 32-bit (ia32) tasks' calls by i386 number; x86 only, else all zero. */
	__u64 compat[NR_SLOTS];
};

int collector_open(struct collector *c, const struct collector_opts *opts);
int collector_track(struct collector *c, pid_t tgid);
int collector_read(struct collector *c, struct snapshot *snap);
/* Per-process mode: every (process, syscall) count, and the totals they add up to. */
int collector_read_procs(struct collector *c, struct proc_counts *out, struct snapshot *snap);
/*
 * --errors: failed calls per slot (exact) into @failed, and (slot, errno) counts
 * into a malloc'ed @rows (caller frees).
 */
int collector_read_errors(struct collector *c, __u64 *failed, struct errno_count **rows, size_t *n);
/* --latency results; histograms are read only for the slots with @counts (read just before). */
int collector_read_latency(struct collector *c, const __u64 *counts, struct latency *out);
/* Per-cgroup mode: @slots gets the per-cgroup sums plus unattributed, so they add up exactly. */
int collector_read_cgroups(struct collector *c, struct cgroup_counts *out, __u64 *slots);
/* Per-cgroup mode: one read of the map gives both the rows and the snapshot they add up to. */
int collector_read_cgroup_snapshot(struct collector *c, struct cgroup_counts *out,
				   struct snapshot *snap);
/* Entries the per-process map can hold. */
size_t collector_proc_capacity(struct collector *c);
/* Counts that could not be recorded exactly; all zero in a healthy run. */
int collector_health(struct collector *c, __u64 *insert_failed, __u64 *track_full, __u64 *comm_full,
		     __u64 *errno_full, __u64 *inflight_full, __u64 *recursion_misses);
void collector_close(struct collector *c);

const char *map_mode_name(enum map_mode mode);
int map_mode_parse(const char *s, enum map_mode *mode);

#endif /* __COLLECTOR_H */
