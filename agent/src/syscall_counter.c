// SPDX-License-Identifier: GPL-2.0
/*
 * syscall-counter-agent: counts every system call in the kernel, exactly,
 * at raw_tracepoint/sys_enter, and prints or streams the counts.
 *
 * main() is the list of phases: parse and check the options, load and attach
 * (with the command held at its gate), run until -d, a signal or the command's
 * exit, report, and one cleanup path.
 *
 * Where things are:
 *   options.c, options_check.c   the command line: argp table, parser, rules between options
 *   run.c                        the loop: ticks, deadline, signals, the final ack
 *   collector.c                  the loader: modes and features as tables, rodata filters
 *   collector_read.c             reading the maps (procs.c, cgroups.c: per process/cgroup)
 *   local_report.c, output*.c    what is printed (proc_output.c, cgroup_output.c for -P/-C)
 *   stream_feed.c                what is streamed; stream.c, stream_call.c, stream_msg.c: gRPC
 *   syscall_helpers.c, errno_helpers.c   names and numbers; warn.h: the message prefix
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "bpf_stats.h"
#include "local_report.h"
#include "metrics_http.h"
#include "stream_feed.h"
#include "syscall_helpers.h"
#include "errno_helpers.h"
#include "privileges.h"
#include "warn.h"

static bool verbose;

/* libbpf's own lines only with -v: without it, the agent says in one line what went wrong. */
static int libbpf_print_fn(enum libbpf_print_level level, const char *format, va_list args)
{
	if (!verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static bool kernel_has_btf(void)
{
	if (!access("/sys/kernel/btf/vmlinux", R_OK))
		return true;
	warn("this kernel exposes no BTF (/sys/kernel/btf/vmlinux): "
	     "a kernel built with CONFIG_DEBUG_INFO_BTF=y is needed\n");
	return false;
}

/*
 * Signals are taken synchronously with sigtimedwait: block them before
 * anything (gRPC included) starts a thread, so every thread inherits the mask.
 */
static void block_signals(struct agent *a)
{
	sigemptyset(&a->mask);
	sigaddset(&a->mask, SIGINT);
	sigaddset(&a->mask, SIGTERM);
	sigaddset(&a->mask, SIGHUP);
	sigaddset(&a->mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &a->mask, &a->oldmask);
}

static void explain_load_error(int err)
{
	if (err == -EPERM || err == -EACCES)
		warn("not allowed to load BPF programs (%s): run as root, "
		     "or grant CAP_BPF and CAP_PERFMON (setcap cap_bpf,cap_perfmon+ep)\n",
		     strerror(-err));
	else
		warn("cannot load the BPF program: %s (rerun with -v for the verifier log)\n",
		     strerror(-err));
}

/* "pid 42, comm nginx": what is counted, for the banner, the reports and the Hello. */
static void build_scope(char *buf, size_t len, const struct agent_opts *o)
{
	const struct collector_opts *c = &o->coll;
	size_t off;

	if (c->targ_tgid) {
		off = snprintf(buf, len, "pid %d", c->targ_tgid);
	} else if (c->targ_tid) {
		off = snprintf(buf, len, "tid %d", c->targ_tid);
	} else if (o->cmd) {
		off = snprintf(buf, len, "command:");
		for (char **a = o->cmd; *a && off < len; a++)
			off += snprintf(buf + off, len - off, " %s", *a);
	} else {
		off = snprintf(buf, len, "all processes");
	}
	if (c->targ_tgid && c->targ_tid && off < len)
		off += snprintf(buf + off, len - off, ", tid %d", c->targ_tid);
	if (c->comm && off < len)
		off += snprintf(buf + off, len - off, ", comm %s", c->comm);
	if (c->filter_uid && off < len)
		off += snprintf(buf + off, len - off, ", uid %u", c->uid);
	if (o->syscalls && off < len)
		off += snprintf(buf + off, len - off, ", syscalls %s", o->syscalls);
	if (c->cgroup && off < len)
		off += snprintf(buf + off, len - off, ", cgroup %s", c->cgroup);
	if (c->targ_errno && off < len) {
		char name[32];

		snprintf(buf + off, len - off, ", failed calls with %s",
			 errno_name(c->targ_errno, name, sizeof(name)));
	} else if (c->failed_only && off < len) {
		snprintf(buf + off, len - off, ", failed calls");
	}
}

/* Follows the command held at its gate, then lets it run; the exit status on failure. */
static int release_command(struct agent *a)
{
	int err = collector_track(&a->coll, a->child.pid);

	if (err) {
		warn("cannot track the command: %s\n", strerror(-err));
		return 1;
	}
	err = child_release(&a->child);
	if (err) {
		warn("cannot run '%s': %s\n", a->opts.cmd[0], strerror(-err));
		return 127;
	}
	return 0;
}

/*
 * --out FILE; /dev/fd/N is taken as the open descriptor N, as bash does: a socket (what
 * node gives a child for a pipe) cannot be reopened through /proc.
 */
static FILE *open_report(const char *path)
{
	int fd;
	char end;

	if (!path)
		return stdout;
	if (sscanf(path, "/dev/fd/%d%c", &fd, &end) == 1 && fd > STDERR_FILENO)
		return fdopen(fd, "w");
	return fopen(path, "w");
}

/*
 * Starts the command (held at its gate), loads and attaches the programs, connects
 * to the control plane and lets the command run; 0, or the exit status on failure.
 */
static int agent_start(struct agent *a)
{
	const struct agent_opts *o = &a->opts;
	int err;

	/* The report has a channel of its own: --out, else stdout, which the command then gives up. */
	a->report = open_report(o->out_file);
	if (!a->report) {
		warn("cannot write the report to %s: %s\n", o->out_file, strerror(errno));
		return 1;
	}
	a->child.stdout_to_stderr = o->cmd && !o->out_file;
	if (o->cmd) {
		err = child_start(&a->child, o->cmd, &a->oldmask);
		if (err) {
			warn("cannot run '%s': %s\n", o->cmd[0], strerror(-err));
			return 127;
		}
	}
	/* The agent's own cost, measured by the kernel: on before the programs run. */
	if (!bpf_stats_enable() && o->coll.verbose)
		warn("BPF run-time statistics are off: BPF_ENABLE_STATS refused and "
		     "kernel.bpf_stats_enabled is 0\n");
	err = collector_open(&a->coll, &o->coll);
	if (err) {
		explain_load_error(err);
		return 1;
	}
	/* -p of a pid that is not there: counting nothing is not what was meant. */
	if (o->coll.targ_tgid && kill(o->coll.targ_tgid, 0) && errno == ESRCH)
		warn("warning: no process %d: nothing is counted unless one with that pid starts\n",
		     o->coll.targ_tgid);
	build_scope(a->scope, sizeof(a->scope), o);
	if (o->metrics_addr && !(a->metrics = metrics_http_start(o->metrics_addr, o->srv.host_id,
								 o->metrics_token_file, &a->coll)))
		return 1;
	if (o->srv.server && !(a->feed = stream_feed_open(o, &a->coll, a->scope)))
		return 1;
	if (o->cmd) {
		err = release_command(a);
		if (err)
			return err;
	} else {
		fprintf(stderr, "Tracing syscalls of %s (map %s)... %s\n", a->scope,
			map_mode_name(o->coll.mode), o->duration ? "" : "Ctrl-C to end.");
	}
	a->start = now_mono();
	return 0;
}

/* The command's exit status; but a success whose counts were not stored is a failure. */
static int command_status(struct agent *a, int exit_code)
{
	if (!a->child_done) {
		/* Ended by -d or a signal before the command: stop it, as strace would. */
		kill(a->child.pid, SIGTERM);
		waitpid(a->child.pid, &a->wstatus, 0);
		a->child.pid = -1;
	}
	if (WIFEXITED(a->wstatus) && (WEXITSTATUS(a->wstatus) || !exit_code))
		return WEXITSTATUS(a->wstatus);
	if (WIFSIGNALED(a->wstatus))
		return 128 + WTERMSIG(a->wstatus);
	return exit_code;
}

/* The final report, health warnings and what was not acked; the exit status. */
static int agent_finish(struct agent *a)
{
	const struct agent_opts *o = &a->opts;
	const struct snapshot *final = stream_feed_final(a->feed);
	int err = 0, exit_code = 0;

	/* Streaming: the report shows the very read the final snapshot stored. */
	if (final)
		a->snap = *final;
	else
		err = collector_read(&a->coll, &a->snap);
	if (err) {
		warn("cannot read the counts: %s\n", strerror(-err));
		return 1;
	}
	/* Local interval reports already showed everything, except the cumulative -P and -C. */
	if (!o->interval || a->feed || o->coll.per_process || o->coll.per_cgroup)
		exit_code = report_final(a) ? 1 : 0;
	report_health(&a->coll);
	if (o->coll.verbose)
		bpf_stats_report(&a->coll);
	if (stream_feed_fatal(a->feed)) {
		warn("the control plane refused this run: %s\n", stream_feed_fatal(a->feed));
		exit_code = 1;
	} else if (stream_feed_unacked(a->feed)) {
		warn("%zu snapshot(s) were not acked by %s before exit\n",
		     stream_feed_unacked(a->feed), o->srv.server);
		exit_code = 1;
	}
	return o->cmd ? command_status(a, exit_code) : exit_code;
}

static void agent_cleanup(struct agent *a)
{
	metrics_http_stop(a->metrics);
	stream_feed_free(a->feed);
	child_kill(&a->child);
	collector_close(&a->coll);
	if (a->report && a->report != stdout)
		fclose(a->report);
	bpf_stats_disable();
}

int main(int argc, char **argv)
{
	/* Static: the snapshots it holds are large. */
	static struct agent a = { .child = { .pid = -1, .gate_fd = -1, .status_fd = -1 } };
	int exit_code;

	if (options_parse(argc, argv, &a.opts))
		return 2;
	if (a.opts.list) {
		print_syscall_list(stdout);
		return 0;
	}
	verbose = a.opts.coll.verbose;
	libbpf_set_print(libbpf_print_fn);
	/* Without the privileges, the one line that says how; with -v, libbpf's own lines follow. */
	if (!kernel_has_btf() || (!privileges_enough() && !verbose))
		return 1;
	block_signals(&a);

	exit_code = agent_start(&a);
	if (!exit_code) {
		agent_run(&a);
		exit_code = agent_finish(&a);
	}
	agent_cleanup(&a);
	return exit_code;
}
