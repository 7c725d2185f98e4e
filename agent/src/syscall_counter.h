/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the BPF program and user space. */
#ifndef __SYSCALL_COUNTER_H
#define __SYSCALL_COUNTER_H

/*
 * Count slots. Ids 0..MAX_SYSCALL_ID get a slot of their own, so an id the
 * name table does not know yet (a kernel newer than the table) is still
 * counted exactly and printed as syscall_<N>. Id -1 is what the kernel
 * reports for syscall(-1) and for calls skipped by seccomp/ptrace; every
 * other id lands in the "other" slot. Nothing is ever dropped.
 */
#define MAX_SYSCALL_ID 1023
#define SLOT_NEG1 (MAX_SYSCALL_ID + 1)
#define SLOT_OTHER (MAX_SYSCALL_ID + 2)
#define NR_SLOTS (MAX_SYSCALL_ID + 3)
#define SLOT_BITMAP_BYTES ((NR_SLOTS + 7) / 8)

/*
 * x86: 32-bit tasks (int 0x80, sysenter) number syscalls by the i386 table and are
 * counted apart; x32 calls carry this bit on x86_64 numbers and are counted as those.
 */
#define TS_COMPAT 0x0002
#define X32_SYSCALL_BIT 0x40000000

/*
 * The filters and features a counting program checks, one bit each in its rodata word
 * "filters" (set by the loader): one load per call however many there are.
 */
enum filter_bits {
	F_TGID = 1 << 0,     /* -p */
	F_TID = 1 << 1,	     /* -t */
	F_EXCL = 1 << 2,     /* the agent's own process left out */
	F_FOLLOW = 1 << 3,   /* -- CMD: tracked processes only */
	F_UID = 1 << 4,	     /* --uid */
	F_COMM = 1 << 5,     /* --comm */
	F_CGROUP = 1 << 6,   /* --cgroup, read from the task */
	F_SYSCALLS = 1 << 7, /* --syscall */
	F_TIME = 1 << 8,     /* --latency: the counting program stamps each call's entry */
	F_KCACHE = 1 << 9,   /* -P, -C: count in the per-CPU key cache first */
};

/* The filters that read the calling task. */
#define F_TASK (F_TGID | F_TID | F_EXCL | F_FOLLOW | F_UID | F_COMM | F_CGROUP)
/* --cgroup: levels the program walks up from a task's cgroup before it asks a helper. */
#define CGROUP_WALK 8

/* Upper bound of processes followed in "-- CMD" mode. */
#define MAX_TRACKED 32768

/* Per-process mode (-P): counts keyed by (thread group, slot). */
#define PROC_ENTRIES_DEFAULT 65536
#define COMM_LEN 16

struct proc_key {
	__u32 tgid;
	__u32 slot;
};

/* Per-cgroup mode (-C): counts keyed by (cgroup v2 id, slot). */
struct cgroup_key {
	__u64 cgid;
	__u32 slot;
	__u32 pad;
};

/*
 * -P and -C: a direct-mapped cache of (process or cgroup, slot) counts per CPU in front of
 * the per-CPU hash (KEY_CACHE_SLOTS entries per CPU, a power of two). An entry, once claimed
 * by a key, counts only that key until the reader frees it (its process is gone): counts never
 * move between cache and hash, so a reader sums both. id 0: free.
 */
#define KEY_CACHE_BITS 10
#define KEY_CACHE_SLOTS (1 << KEY_CACHE_BITS)

/* Where (@id, @slot) goes among a CPU's entries: a multiplicative hash of both. */
static inline __u32 key_cache_hash(__u64 id, __u32 slot)
{
	return (__u32)(((id ^ ((__u64)slot << 40)) * 0x9E3779B97F4A7C15ULL) >>
		       (64 - KEY_CACHE_BITS));
}

struct key_cache_entry {
	__u64 id; /* tgid (-P) or cgroup id (-C); written last when claimed */
	__u32 slot;
	__u32 pad;
	__u64 count;
};

/* --errors: failed calls per (slot, errno). */
#define ERRNO_ENTRIES 4096
#define MAX_ERRNO 4095

struct errno_key {
	__u32 slot;
	__u32 err; /* positive errno */
};

/* --latency: log2 histograms of enter->exit time per slot. */
#define LAT_BUCKETS 64
#define MAX_INFLIGHT 65536

struct enter_info {
	__u64 ts;
	__u32 slot;
	__u32 pad;
};

/* User space: one (slot, errno) count read from the errnos map. */
struct errno_count {
	__u32 slot;
	__u32 err;
	__u64 count;
};

enum map_mode {
	MAP_PERCPU = 0,	 /* per-CPU array indexed by slot */
	MAP_HASH,	 /* shared hash, BPF_NOEXIST insert + atomic add */
	MAP_PERCPU_HASH, /* per-CPU hash, BPF_NOEXIST insert */
	MAP_EMPTY,	 /* benchmark floor: attached, counts nothing */
};

/* Indexes of the per-CPU "health" counters; all must stay 0 for exact counts. */
enum health {
	HEALTH_INSERT_FAILED = 0, /* hash insert failed with other than -EEXIST */
	HEALTH_TRACK_FULL,	  /* a followed fork could not be recorded */
	HEALTH_COMM_FULL,	  /* a process name could not be recorded (the count was) */
	HEALTH_ERRNO_FULL,    /* a failed call's errno could not be recorded (the failure was) */
	HEALTH_INFLIGHT_FULL, /* a call could not be timed (too many threads in syscalls) */
	NR_HEALTH,
};

#endif /* __SYSCALL_COUNTER_H */
