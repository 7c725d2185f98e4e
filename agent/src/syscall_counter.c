// SPDX-License-Identifier: GPL-2.0
/*
 * syscall-counter-agent: counts every system call in the kernel, exactly,
 * at raw_tracepoint/sys_enter, and prints or streams the counts.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "syscall_counter.h"
#include "collector.h"
#include "child.h"
#include "output.h"

#define AGENT_VERSION "0.1.0"

enum {
	OPT_MAP = 0x100,
};

static struct env {
	int duration;
	int interval;
	int top;
	pid_t pid;
	enum map_mode mode;
	enum output_format format;
	bool list;
	bool verbose;
	char **cmd;
} env = {
	.top = 15,
	.mode = MAP_PERCPU,
	.format = OUT_TABLE,
};

const char *argp_program_version = "syscall-counter-agent " AGENT_VERSION;
const char *argp_program_bug_address = "https://github.com/syscall-counter/syscall-counter/issues";
static const char argp_program_doc[] =
"Count system calls in the kernel, exactly, with eBPF.\n"
"\n"
"USAGE: syscall-counter-agent [OPTION...] [-- CMD [ARG...]]\n"
"\n"
"EXAMPLES:\n"
"    syscall-counter-agent               # count all syscalls until Ctrl-C\n"
"    syscall-counter-agent -d 5 -T 20    # 5 seconds, show the 20 busiest\n"
"    syscall-counter-agent -i 1          # print the last second's counts every second\n"
"    syscall-counter-agent -p 181        # only process 181\n"
"    syscall-counter-agent -- ls -l      # run 'ls -l', count it and its children\n"
"    syscall-counter-agent -o csv -d 2   # every non-zero syscall as CSV\n"
"    syscall-counter-agent --map hash    # use the shared-hash map strategy\n"
"    syscall-counter-agent -l            # list the syscalls known for this arch\n";

static const struct argp_option opts[] = {
	{ "duration", 'd', "SEC", 0, "Stop after SEC seconds (default: until Ctrl-C, or until CMD exits)", 0 },
	{ "interval", 'i', "SEC", 0, "Print the counts of each interval of SEC seconds", 0 },
	{ "top", 'T', "N", 0, "Show the N busiest syscalls in the table (default 15)", 0 },
	{ "pid", 'p', "PID", 0, "Count only process PID", 0 },
	{ "map", OPT_MAP, "MODE", 0, "Map strategy: percpu (default), hash, percpu-hash, empty (counts nothing: benchmark floor)", 0 },
	{ "output", 'o', "FMT", 0, "Output format: table (default), csv, json", 0 },
	{ "list", 'l', NULL, 0, "List every syscall known for this arch (NR<TAB>NAME) and exit", 0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf debug output", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static long parse_long(const char *arg, long min, long max, struct argp_state *state, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		argp_error(state, "invalid %s '%s': expected a whole number from %ld to %ld", what, arg, min, max);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		break;
	case 'd':
		env.duration = parse_long(arg, 1, INT_MAX, state, "duration");
		break;
	case 'i':
		env.interval = parse_long(arg, 1, INT_MAX, state, "interval");
		break;
	case 'T':
		env.top = parse_long(arg, 1, NR_SLOTS, state, "top");
		break;
	case 'p':
		env.pid = parse_long(arg, 1, INT_MAX, state, "pid");
		break;
	case OPT_MAP:
		if (map_mode_parse(arg, &env.mode))
			argp_error(state, "invalid map mode '%s': expected percpu, hash, percpu-hash or empty", arg);
		break;
	case 'o':
		if (output_parse(arg, &env.format))
			argp_error(state, "invalid output '%s': expected table, csv or json", arg);
		break;
	case 'l':
		env.list = true;
		break;
	case 'v':
		env.verbose = true;
		break;
	case ARGP_KEY_ARG:
		/* Declined, so argp hands over all remaining arguments as ARGP_KEY_ARGS. */
		return ARGP_ERR_UNKNOWN;
	case ARGP_KEY_ARGS:
		if (state->next < 1 || strcmp(state->argv[state->next - 1], "--"))
			argp_error(state, "unexpected argument '%s' (put a command after --)",
				   state->argv[state->next]);
		env.cmd = state->argv + state->next;
		break;
	case ARGP_KEY_END:
		if (env.cmd && env.pid)
			argp_error(state, "-p and a command are exclusive");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG && !env.verbose)
		return 0;
	if (level != LIBBPF_WARN && !env.verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void format_clock(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

static void explain_load_error(int err)
{
	if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "syscall-counter-agent: not allowed to load BPF programs (%s): run as root, "
			"or grant CAP_BPF and CAP_PERFMON (setcap cap_bpf,cap_perfmon+ep)\n", strerror(-err));
	else
		fprintf(stderr, "syscall-counter-agent: cannot load the BPF program: %s (rerun with -v for the "
			"verifier log)\n", strerror(-err));
}

static void build_scope(char *buf, size_t len)
{
	size_t off;

	if (env.pid) {
		snprintf(buf, len, "pid %d", env.pid);
	} else if (env.cmd) {
		off = snprintf(buf, len, "command:");
		for (char **a = env.cmd; *a && off < len; a++)
			off += snprintf(buf + off, len - off, " %s", *a);
	} else {
		snprintf(buf, len, "all processes");
	}
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.doc = argp_program_doc,
	};
	struct collector_opts copts = {};
	struct collector coll = {};
	struct child child = { .pid = -1, .gate_fd = -1, .status_fd = -1 };
	static struct snapshot snap, prev;
	struct report rep = {};
	sigset_t mask, oldmask;
	char scope[256], clock_buf[16];
	double start, deadline, next_tick;
	int err, wstatus = 0, exit_code = 0, first = 1;
	bool child_done = false;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return 2;
	if (env.list) {
		print_list(stdout);
		return 0;
	}

	libbpf_set_print(libbpf_print_fn);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "syscall-counter-agent: this kernel exposes no BTF (/sys/kernel/btf/vmlinux): "
			"a kernel built with CONFIG_DEBUG_INFO_BTF=y is needed\n");
		return 1;
	}

	/* Signals are taken synchronously with sigtimedwait: block them first. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);

	if (env.cmd) {
		err = child_start(&child, env.cmd, &oldmask);
		if (err) {
			fprintf(stderr, "syscall-counter-agent: cannot run '%s': %s\n", env.cmd[0], strerror(-err));
			return 127;
		}
	}

	copts.mode = env.mode;
	copts.targ_tgid = env.pid;
	copts.follow = env.cmd != NULL;
	copts.verbose = env.verbose;
	err = collector_open(&coll, &copts);
	if (err) {
		explain_load_error(err);
		exit_code = 1;
		goto cleanup;
	}

	if (env.cmd) {
		err = collector_track(&coll, child.pid);
		if (err) {
			fprintf(stderr, "syscall-counter-agent: cannot track the command: %s\n", strerror(-err));
			exit_code = 1;
			goto cleanup;
		}
		err = child_release(&child);
		if (err) {
			fprintf(stderr, "syscall-counter-agent: cannot run '%s': %s\n", env.cmd[0], strerror(-err));
			exit_code = 127;
			goto cleanup;
		}
	}

	build_scope(scope, sizeof(scope));
	if (!env.cmd)
		fprintf(stderr, "Tracing syscalls of %s (map %s)... %s\n", scope, map_mode_name(env.mode),
			env.duration ? "" : "Ctrl-C to end.");

	start = now_mono();
	deadline = env.duration ? start + env.duration : 0;
	next_tick = env.interval ? start + env.interval : 0;
	rep.scope = scope;
	rep.map_mode = map_mode_name(env.mode);
	rep.top = env.top;

	for (;;) {
		double now = now_mono(), wake = 1e18;
		struct timespec ts;
		siginfo_t si;
		int sig;

		/* A tick due at the deadline is printed first: -i 1 -d 2 prints two reports. */
		if (next_tick && now >= next_tick && (!deadline || next_tick <= deadline)) {
			static struct snapshot delta;

			err = collector_read(&coll, &snap);
			if (err)
				break;
			for (int s = 0; s < NR_SLOTS; s++)
				delta.slots[s] = snap.slots[s] - prev.slots[s];
			prev = snap;
			format_clock(clock_buf, sizeof(clock_buf));
			rep.time = clock_buf;
			rep.seconds = env.interval;
			rep.slots = delta.slots;
			print_report(stdout, env.format, &rep, first);
			first = 0;
			next_tick += env.interval;
			continue;
		}
		if (deadline && now >= deadline)
			break;
		if (deadline)
			wake = deadline;
		if (next_tick && next_tick < wake)
			wake = next_tick;
		if (wake > now + 3600)
			wake = now + 3600;
		ts.tv_sec = (time_t)(wake - now);
		ts.tv_nsec = (long)((wake - now - ts.tv_sec) * 1e9);
		sig = sigtimedwait(&mask, &si, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig == SIGCHLD && env.cmd && waitpid(child.pid, &wstatus, WNOHANG) == child.pid) {
			child.pid = -1;
			child_done = true;
			break;
		}
	}

	err = collector_read(&coll, &snap);
	if (err) {
		fprintf(stderr, "syscall-counter-agent: cannot read the counts: %s\n", strerror(-err));
		exit_code = 1;
		goto cleanup;
	}
	if (!env.interval) {
		rep.time = NULL;
		rep.seconds = now_mono() - start;
		rep.slots = snap.slots;
		print_report(stdout, env.format, &rep, 1);
	}
	{
		__u64 insert_failed = 0, track_full = 0, misses = 0;

		if (!collector_health(&coll, &insert_failed, &track_full, &misses) &&
		    (insert_failed || track_full || misses))
			fprintf(stderr, "syscall-counter-agent: warning: counts may be short: %llu failed inserts, "
				"%llu untracked forks, %llu skipped program runs\n", insert_failed, track_full, misses);
	}
	if (env.cmd) {
		if (!child_done) {
			/* Ended by -d or a signal before the command: wait for it, as strace does. */
			kill(child.pid, SIGTERM);
			waitpid(child.pid, &wstatus, 0);
			child.pid = -1;
		}
		if (WIFEXITED(wstatus))
			exit_code = WEXITSTATUS(wstatus);
		else if (WIFSIGNALED(wstatus))
			exit_code = 128 + WTERMSIG(wstatus);
	}

cleanup:
	child_kill(&child);
	collector_close(&coll);
	return exit_code;
}
