/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __BPF_STATS_H
#define __BPF_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct collector;

#define MAX_PROG_STATS 16

/* One loaded program's kernel run-time statistics, cumulative since it was loaded. */
struct bpf_prog_stat {
	const char *name;
	__u64 run_time_ns;
	__u64 run_cnt;
};

/*
 * Turns the kernel's BPF run-time statistics on for as long as the agent runs
 * (BPF_ENABLE_STATS); where that is refused, they are on only if the
 * kernel.bpf_stats_enabled sysctl says so. True when statistics are being kept.
 */
bool bpf_stats_enable(void);
/* Undoes bpf_stats_enable() (the sysctl, if it was the fallback, is left alone). */
void bpf_stats_disable(void);
/* The statistics of the collector's loaded programs into @out; their number. */
size_t bpf_stats_read(const struct collector *c, struct bpf_prog_stat out[MAX_PROG_STATS]);
/* With --verbose: one line, each program's runs and average ns per run. */
void bpf_stats_report(const struct collector *c);

#endif /* __BPF_STATS_H */
