// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's own cost, measured by the kernel: with BPF run-time statistics on,
 * each program's info carries the time spent in it (run_time_ns) and its runs
 * (run_cnt). Turning them on costs two clock reads per program run, so it is one
 * process-wide switch held by an fd (BPF_ENABLE_STATS) that closes with the agent.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_stats.h"
#include "collector.h"
#include "syscall_counter.skel.h"
#include "warn.h"

#define STATS_SYSCTL "/proc/sys/kernel/bpf_stats_enabled"

static int stats_fd = -1;

static bool sysctl_on(void)
{
	FILE *f = fopen(STATS_SYSCTL, "r");
	int on = 0;

	if (!f)
		return false;
	if (fscanf(f, "%d", &on) != 1)
		on = 0;
	fclose(f);
	return on == 1;
}

bool bpf_stats_enable(void)
{
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd >= 0)
		return true;
	/* Refused (an old kernel, or no CAP_SYS_ADMIN): an operator may have set the sysctl. */
	return sysctl_on();
}

void bpf_stats_disable(void)
{
	if (stats_fd >= 0)
		close(stats_fd);
	stats_fd = -1;
}

size_t bpf_stats_read(const struct collector *c, struct bpf_prog_stat out[MAX_PROG_STATS])
{
	struct bpf_program *prog;
	size_t n = 0;

	if (!c->skel)
		return 0;
	bpf_object__for_each_program(prog, c->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		/* Programs the mode left off are not loaded: no fd, no cost. */
		if (fd < 0 || n == MAX_PROG_STATS || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		out[n].name = bpf_program__name(prog);
		out[n].run_time_ns = info.run_time_ns;
		out[n].run_cnt = info.run_cnt;
		n++;
	}
	return n;
}

void bpf_stats_report(const struct collector *c)
{
	struct bpf_prog_stat st[MAX_PROG_STATS];
	size_t n = bpf_stats_read(c, st);
	char line[1024];
	int len = 0;

	for (size_t i = 0; i < n && len < (int)sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s %llu runs %.0f ns/run",
				i ? ", " : "", st[i].name, st[i].run_cnt,
				st[i].run_cnt ? (double)st[i].run_time_ns / st[i].run_cnt : 0.0);
	warn("health: BPF programs: %s\n", n ? line : "none loaded");
}
