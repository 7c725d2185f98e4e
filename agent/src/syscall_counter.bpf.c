// SPDX-License-Identifier: GPL-2.0
/* Counts system calls at raw_tracepoint/sys_enter, exactly. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "syscall_counter.h"

#define EEXIST 17

/*
 * Which filters and features are on (F_* bits, syscall_counter.h): one word, fixed at load
 * time. A program reads it once; the verifier knows its value and drops every branch of a
 * filter that is off, so the default program reads this word and nothing else of rodata.
 * The values below are read only when their bit is set.
 */
const volatile __u32 filters = 0;
const volatile pid_t targ_tgid = 0;
const volatile pid_t targ_tid = 0;
/* The agent's own process: its map reads are not the workload's calls (issue 13). */
const volatile pid_t excl_tgid = 0;
/* 8-byte aligned: compared as two words. */
const volatile char targ_comm[COMM_LEN] __attribute__((aligned(8))) = {};
const volatile __u32 targ_uid = 0;
const volatile __u8 syscall_bits[SLOT_BITMAP_BYTES] = {};
/* --cgroup: the cgroup v2 id (its inode number) of the directory given, and its depth. */
const volatile __u64 targ_cgid = 0;
const volatile __u32 targ_cglevel = 0;
/* -e: with -x, count only failures with this errno (0: any). */
const volatile __u32 targ_errno = 0;

/*
 * Whether 32-bit (ia32) tasks can make system calls at all: read from the kernel's
 * configuration at load time, so where they cannot, the per-call check is compiled away.
 * Where no configuration can be read, the loader says y (collector.c): exact over cheap.
 */
extern bool CONFIG_IA32_EMULATION __kconfig __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} counts_percpu SEC(".maps");

/* Sized to hold every slot, so an insert can only fail by racing another CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} counts_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} counts_percpu_hash SEC(".maps");

/*
 * Per-process mode. Bounded by --proc-entries (set before load). A count whose
 * (process, syscall) entry cannot be created lands in "unattributed" under its
 * syscall, so per-process counts plus unattributed always equal the total. A value
 * per CPU: a process's threads on different CPUs never share a cache line or an atomic.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, PROC_ENTRIES_DEFAULT);
	__type(key, struct proc_key);
	__type(value, u64);
} proc_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} unattributed SEC(".maps");

/* The name of each counted process, recorded when it gets a new entry (so after exec too). */
struct comm {
	char name[COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROC_ENTRIES_DEFAULT);
	__type(key, u32);
	__type(value, struct comm);
} proc_comms SEC(".maps");

/* --errors: failed calls per syscall (exact), and per (syscall, errno) while room lasts. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} failed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ERRNO_ENTRIES);
	__type(key, struct errno_key);
	__type(value, u64);
} errnos SEC(".maps");

/*
 * --latency: when each thread entered its current syscall (ts 0: none in flight). Task-local
 * storage: found from the task in a few loads, no hashing, no insert or delete per call, and
 * freed with the task.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct enter_info);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SLOTS *LAT_BUCKETS);
	__type(key, u32);
	__type(value, u64);
} lat_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} lat_total_ns SEC(".maps");

/* Calls that entered but never returned (exit, exit_group): seen when their thread exits. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} lat_unreturned SEC(".maps");

/* Per-cgroup mode: bounded and per CPU like the per-process map; overflow is unattributed too. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, PROC_ENTRIES_DEFAULT);
	__type(key, struct cgroup_key);
	__type(value, u64);
} cgroup_counts SEC(".maps");

/*
 * -P and -C: KEY_CACHE_SLOTS entries per CPU (CPU c's at c * KEY_CACHE_SLOTS; the loader sizes
 * it to the possible CPUs), found by an inlined array lookup where the hash costs a call, jhash
 * and a bucket walk. Only CPU c's program writes CPU c's entries, except the reader freeing an
 * entry of a process that is gone (through mmap). See key_cache_inc().
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, KEY_CACHE_SLOTS);
	__type(key, u32);
	__type(value, struct key_cache_entry);
} key_cache SEC(".maps");

/* --cgroup, for a task deeper below the wanted cgroup than cgroup_matches() walks. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} cgroup_filter SEC(".maps");

/* Thread-group ids of the command started with "-- CMD" and its descendants. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACKED);
	__type(key, u32);
	__type(value, u8);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_HEALTH);
	__type(key, u32);
	__type(value, u64);
} health SEC(".maps");

/* Adds @n to entry @key of a per-CPU array: no atomics, no insert that can fail. */
static __always_inline void percpu_add(void *map, u32 key, u64 n)
{
	u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		*v += n;
}

static __always_inline void health_inc(u32 what)
{
	percpu_add(&health, what, 1);
}

/* 32-bit tasks' calls, by i386 number (all map modes count them here). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, u32);
	__type(value, u64);
} compat_counts SEC(".maps");

/* Whether 32-bit tasks' calls can reach this program; constant at load time (see above). */
static __always_inline bool ia32_possible(void)
{
#if defined(__TARGET_ARCH_x86)
	return CONFIG_IA32_EMULATION;
#else
	return false;
#endif
}

/* Whether the current call is a 32-bit (ia32) one: its number is an i386 number. */
static __always_inline bool compat_call(struct task_struct *task)
{
#if defined(__TARGET_ARCH_x86)
	if (!ia32_possible())
		return false;
	return task->thread_info.status & TS_COMPAT;
#else
	return false;
#endif
}

static __always_inline u32 id_to_slot(long id)
{
#if defined(__TARGET_ARCH_x86)
	if (id >= 0 && (id & X32_SYSCALL_BIT))
		id &= ~X32_SYSCALL_BIT;
#endif
	if (id >= 0 && id <= MAX_SYSCALL_ID)
		return id;
	if (id == -1)
		return SLOT_NEG1;
	return SLOT_OTHER;
}

/* Two 8-byte compares of the task's name: it and the wanted one are zero-padded. */
static __always_inline bool comm_matches(struct task_struct *task)
{
	const u64 *comm = (const u64 *)task->comm;
	const volatile u64 *want = (const volatile u64 *)targ_comm;

	return comm[0] == want[0] && comm[1] == want[1];
}

/*
 * --cgroup: whether @task's cgroup v2 is the wanted one or below it, as
 * bpf_current_task_under_cgroup() decides, from plain loads: walk up from the task's cgroup
 * comparing ids, and stop above the wanted depth (targ_cglevel, a lower bound of it: counted
 * in the agent's view of the hierarchy, which a cgroup namespace can only make shorter). A
 * task more than CGROUP_WALK levels below asks the helper instead.
 */
static __always_inline bool cgroup_matches(struct task_struct *task)
{
	struct cgroup *cg = task->cgroups->dfl_cgrp;
	int level = targ_cglevel;
	u64 id = targ_cgid;

	for (int i = 0; i < CGROUP_WALK; i++) {
		struct cgroup_subsys_state *parent;

		if (cg->level < level)
			return false;
		if (cg->kn->id == id)
			return true;
		parent = cg->self.parent;
		if (!parent)
			return false;
		cg = parent->cgroup;
	}
	return bpf_current_task_under_cgroup(&cgroup_filter, 0) == 1;
}

/* The task filters a user asks for; the agent leaving itself out (F_EXCL) is checked apart. */
#define F_SELECT (F_TASK & ~F_EXCL)

/*
 * Whether @task is counted: -p, -t, -- CMD, --uid, --comm, --cgroup. A check runs only when
 * its bit is set in @f; the verifier drops the others' code.
 */
static __always_inline bool task_wanted(u32 f, struct task_struct *task)
{
	u32 tgid = task->tgid;

	if ((f & F_TGID) && tgid != targ_tgid)
		return false;
	if ((f & F_TID) && task->pid != targ_tid)
		return false;
	if ((f & F_FOLLOW) && !bpf_map_lookup_elem(&tracked, &tgid))
		return false;
	/* The subjective uid, as bpf_get_current_uid_gid() reads it (init namespace). */
	if ((f & F_UID) && task->cred->uid.val != targ_uid)
		return false;
	if ((f & F_COMM) && !comm_matches(task))
		return false;
	if ((f & F_CGROUP) && !cgroup_matches(task))
		return false;
	return true;
}

/* --syscall: only the listed ones. @slot is already bounded by id_to_slot. */
static __always_inline bool slot_wanted(u32 slot)
{
	if (slot >= NR_SLOTS)
		return false;
	return syscall_bits[slot / 8] & (1 << (slot % 8));
}

enum call_kind { SKIP, NATIVE, COMPAT };

/*
 * Everything a counting program decides before it counts: the slot of @id, whether the
 * call is filtered out (@f: the filters word, read once by the program), and whether it is
 * a 32-bit task's (its number is then an i386 number, counted apart: the native maps must
 * not see it). *@task is set when the program asked for it (@need_task: it keys or times
 * by task) or when a check needed it; NULL otherwise. One helper call for the task: every
 * task field is then a plain load, where bpf_get_current_pid_tgid(), _uid_gid(), _comm()
 * and _cgroup_id() would each be a call of their own.
 */
static __always_inline enum call_kind classify(u32 f, long id, u32 *slot, struct task_struct **task,
					       bool need_task)
{
	*slot = id_to_slot(id);
	*task = NULL;
	if ((f & F_SYSCALLS) && !slot_wanted(*slot))
		return SKIP;
	if (!need_task && !(f & (F_TASK | F_TIME)) && !ia32_possible())
		return NATIVE;
	*task = bpf_get_current_task_btf();
	/*
	 * The filters a user asked for first: a call they leave out is then decided without the
	 * agent's own check. That one is on by default, so on its own: the default program tests
	 * no other filter's bit.
	 */
	if ((f & F_SELECT) && !task_wanted(f, *task))
		return SKIP;
	if ((f & F_EXCL) && (*task)->tgid == excl_tgid)
		return SKIP;
	return compat_call(*task) ? COMPAT : NATIVE;
}

/* classify() at sys_enter: a 32-bit task's call is counted under its i386 number here. */
static __always_inline bool native_call(u32 f, long id, u32 *slot, struct task_struct **task,
					bool need_task)
{
	enum call_kind kind = classify(f, id, slot, task, need_task);

	if (kind == COMPAT)
		percpu_add(&compat_counts, *slot, 1);
	return kind == NATIVE;
}

/* --latency: the entry time of a counted call, last, so that counting is not timed. */
static __always_inline void stamp(u32 f, struct task_struct *task, u32 slot)
{
	struct enter_info *info;

	if (!(f & F_TIME) || !task)
		return;
	info = bpf_task_storage_get(&inflight, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!info) {
		health_inc(HEALTH_INFLIGHT_FULL);
		return;
	}
	info->slot = slot;
	info->ts = bpf_ktime_get_ns();
}

/*
 * Lookup, insert on miss, retry the lookup when another CPU won the race
 * for the first insert: the classic pattern without its lost count. NULL
 * when the map is full; *created says whether this call made the entry.
 */
static __always_inline u64 *lookup_or_insert(void *map, void *key, bool *created)
{
	static const u64 zero;
	u64 *v;
	long err;

	v = bpf_map_lookup_elem(map, key);
	if (v)
		return v;
	err = bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return NULL;
	if (created)
		*created = !err;
	return bpf_map_lookup_elem(map, key);
}

/* Adds one to @key's shared counter, creating it; false when the map is full. */
static __always_inline bool keyed_inc(void *map, void *key, bool *created)
{
	u64 *v = lookup_or_insert(map, key, created);

	if (!v)
		return false;
	__sync_fetch_and_add(v, 1);
	return true;
}

/*
 * Adds one to this CPU's value of @key in a per-CPU hash, creating it; false when the map
 * is full. A new entry starts at zero on every CPU, and another CPU's insert of the same
 * key makes ours fail with -EEXIST and the lookup after it find ours: nothing is lost.
 */
static __always_inline bool percpu_keyed_inc(void *map, void *key, bool *created)
{
	u64 *v = lookup_or_insert(map, key, created);

	if (!v)
		return false;
	(*v)++;
	return true;
}

/* This CPU's cache entry for (@id, @slot). */
static __always_inline struct key_cache_entry *key_cache_entry(u64 id, u32 slot)
{
	u32 idx = bpf_get_smp_processor_id() * KEY_CACHE_SLOTS + key_cache_hash(id, slot);

	return bpf_map_lookup_elem(&key_cache, &idx);
}

/*
 * -P, -C: adds one to (@id, @slot) in this CPU's cache entry if the entry is that key's, or
 * free (then claimed: *@claimed). False when it is another key's: the hash counts the call.
 * A count never leaves the entry it was made in, so the reader's sum of the cache and the
 * hash is exact at any moment; the claim writes the id last, so a reader that sees it sees
 * the slot and the count too (x86 stores are seen in order).
 */
static __always_inline bool key_cache_inc(u32 f, u64 id, u32 slot, bool *claimed)
{
	struct key_cache_entry *e;

	if (!(f & F_KCACHE) || !id)
		return false;
	e = key_cache_entry(id, slot);
	if (!e)
		return false;
	if (e->id == id && e->slot == slot) {
		e->count++;
		return true;
	}
	if (e->id)
		return false;
	e->slot = slot;
	e->count = 1;
	barrier();
	*(volatile u64 *)&e->id = id;
	*claimed = true;
	return true;
}

/* What a full per-process or per-cgroup map could not take, kept per syscall. */
static __always_inline void unattributed_inc(u32 slot)
{
	percpu_add(&unattributed, slot, 1);
}

SEC("raw_tracepoint/sys_enter")
int count_percpu(struct bpf_raw_tracepoint_args *ctx)
{
	u32 f = filters;
	struct task_struct *task;
	u32 slot;

	if (!native_call(f, ctx->args[1], &slot, &task, false))
		return 0;
	percpu_add(&counts_percpu, slot, 1);
	stamp(f, task, slot);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int count_hash(struct bpf_raw_tracepoint_args *ctx)
{
	u32 f = filters;
	struct task_struct *task;
	u32 slot;

	if (!native_call(f, ctx->args[1], &slot, &task, false))
		return 0;
	if (!keyed_inc(&counts_hash, &slot, NULL))
		health_inc(HEALTH_INSERT_FAILED);
	stamp(f, task, slot);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int count_percpu_hash(struct bpf_raw_tracepoint_args *ctx)
{
	u32 f = filters;
	struct task_struct *task;
	u32 slot;

	if (!native_call(f, ctx->args[1], &slot, &task, false))
		return 0;
	if (!percpu_keyed_inc(&counts_percpu_hash, &slot, NULL))
		health_inc(HEALTH_INSERT_FAILED);
	stamp(f, task, slot);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int count_per_process(struct bpf_raw_tracepoint_args *ctx)
{
	u32 f = filters;
	struct task_struct *task;
	struct proc_key key;
	struct comm comm;
	bool created = false;

	if (!native_call(f, ctx->args[1], &key.slot, &task, true) || !task)
		return 0;
	key.tgid = task->tgid;
	if (!key_cache_inc(f, key.tgid, key.slot, &created) &&
	    !percpu_keyed_inc(&proc_counts, &key, &created)) {
		unattributed_inc(key.slot);
		return 0;
	}
	if (created) {
		bpf_get_current_comm(comm.name, sizeof(comm.name));
		if (bpf_map_update_elem(&proc_comms, &key.tgid, &comm, BPF_ANY))
			health_inc(HEALTH_COMM_FULL);
	}
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int count_per_cgroup(struct bpf_raw_tracepoint_args *ctx)
{
	u32 f = filters;
	struct cgroup_key key = {};
	struct task_struct *task;
	bool claimed = false;

	if (!native_call(f, ctx->args[1], &key.slot, &task, true) || !task)
		return 0;
	/* What bpf_get_current_cgroup_id() returns, without the call. */
	key.cgid = task->cgroups->dfl_cgrp->kn->id;
	if (!key_cache_inc(f, key.cgid, key.slot, &claimed) &&
	    !percpu_keyed_inc(&cgroup_counts, &key, NULL))
		unattributed_inc(key.slot);
	return 0;
}

/*
 * At sys_exit the id is the one the task entered with (orig_ax / syscallno), and
 * args[1] the return value: -4095..-1 is a failure with that errno. Calls that do
 * not return (exit, exit_group, a successful execve's old image) never get here.
 */
static __always_inline long exit_id(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, orig_ax);
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, syscallno);
#else
	return -1;
#endif
}

static __always_inline u32 exit_errno(struct bpf_raw_tracepoint_args *ctx)
{
	long ret = ctx->args[1];

	return ret < 0 && ret >= -MAX_ERRNO ? -ret : 0;
}

/* -x: count only calls that fail (and, with -e, with that errno). Success costs one compare. */
SEC("raw_tracepoint/sys_exit")
int count_failed(struct bpf_raw_tracepoint_args *ctx)
{
	u32 f = filters;
	u32 err = exit_errno(ctx), slot;
	struct task_struct *task;

	if (!err || (targ_errno && err != targ_errno))
		return 0;
	if (classify(f, exit_id(ctx), &slot, &task, false) == NATIVE)
		percpu_add(&counts_percpu, slot, 1);
	return 0;
}

/* --errors: failures per syscall, and their errno values. Success costs one compare. */
SEC("raw_tracepoint/sys_exit")
int count_errors(struct bpf_raw_tracepoint_args *ctx)
{
	u32 f = filters;
	struct errno_key key;
	struct task_struct *task;
	u32 err = exit_errno(ctx);

	if (!err || classify(f, exit_id(ctx), &key.slot, &task, false) != NATIVE)
		return 0;
	key.err = err;
	percpu_add(&failed, key.slot, 1);
	if (!keyed_inc(&errnos, &key, NULL))
		health_inc(HEALTH_ERRNO_FULL);
	return 0;
}

static __always_inline u32 log2_u64(u64 v)
{
	u32 r = 0, shift;

	shift = (v > 0xFFFFFFFFULL) << 5;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFFFF) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

/*
 * Enter to exit of the same thread; the time a call spends blocked or preempted is in it.
 * The entry was stamped by the counting program (F_TIME).
 */
SEC("raw_tracepoint/sys_exit")
int lat_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct enter_info *info = bpf_task_storage_get(&inflight, task, 0, 0);
	u32 slot, bucket;
	u64 delta;

	if (!info || !info->ts)
		return 0;
	delta = bpf_ktime_get_ns() - info->ts;
	slot = info->slot;
	info->ts = 0;
	if (slot >= NR_SLOTS)
		return 0;
	bucket = log2_u64(delta);
	if (bucket >= LAT_BUCKETS)
		bucket = LAT_BUCKETS - 1;
	percpu_add(&lat_hist, slot * LAT_BUCKETS + bucket, 1);
	percpu_add(&lat_total_ns, slot, delta);
	return 0;
}

/* A thread that exits inside a syscall (exit, exit_group) never returns from it. */
SEC("raw_tracepoint/sched_process_exit")
int lat_thread_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct enter_info *info = bpf_task_storage_get(&inflight, task, 0, 0);

	if (!info || !info->ts)
		return 0;
	if (info->slot < NR_SLOTS)
		percpu_add(&lat_unreturned, info->slot, 1);
	info->ts = 0;
	return 0;
}

/* The floor every BPF syscall counter pays: attached, does nothing. */
SEC("raw_tracepoint/sys_enter")
int count_empty(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}

/*
 * Benchmarks only (tools/bench/probe_ab.c attaches it to sys_enter and sys_exit): the floor and
 * one clock read, what each call under --latency pays at the least.
 */
SEC("raw_tracepoint/sys_enter")
int bench_clock(struct bpf_raw_tracepoint_args *ctx)
{
	bpf_ktime_get_ns();
	return 0;
}

/*
 * Follows forks of tracked processes. Raw tracepoints need no tracefs. The
 * fork tracepoint fires in the parent before the child can run, so the
 * child's first system call is already counted.
 */
SEC("raw_tracepoint/sched_process_fork")
int follow_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	u32 ptgid = BPF_CORE_READ(parent, tgid);
	u32 ctgid = BPF_CORE_READ(child, tgid);
	u8 one = 1;

	if (ptgid == ctgid || !bpf_map_lookup_elem(&tracked, &ptgid))
		return 0;
	if (bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY))
		health_inc(HEALTH_TRACK_FULL);
	return 0;
}

/* Forget a process once its whole thread group is gone, so a reused pid is not counted. */
SEC("raw_tracepoint/sched_process_exit")
int forget_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	u32 tgid = BPF_CORE_READ(task, tgid);
	int live = BPF_CORE_READ(task, signal, live.counter);

	if (live == 0)
		bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
