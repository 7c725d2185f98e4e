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
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/libbpf.h>
#include "syscall_counter.h"
#include "collector.h"
#include "child.h"
#include "output.h"
#include "proc_output.h"
#include "cgroup_output.h"
#include "stream.h"
#include "host_facts.h"
#include "syscall_table.h"

#define AGENT_VERSION "0.1.0"

enum {
	OPT_MAP = 0x100,
	OPT_SERVER,
	OPT_TOKEN_FILE,
	OPT_TLS_CA,
	OPT_HOST_ID,
	OPT_RUN_ID,
	OPT_BUFFER,
	OPT_PROC_ENTRIES,
	OPT_COMM,
	OPT_UID,
	OPT_SYSCALL,
	OPT_ERRORS,
	OPT_LATENCY,
	OPT_CGROUP,
	OPT_PROCESS_TOP,
	OPT_CGROUP_TOP,
};

/* With a control plane, snapshots go every 10 s unless -i says otherwise: fine
 * enough for history, a tenth of the rows of 1 s. */
#define DEFAULT_STREAM_INTERVAL 10
/* On SIGTERM the final snapshot gets this long to be acked. */
#define STOP_GRACE_MS 5000

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
	const char *server;
	const char *token_file;
	const char *tls_ca;
	const char *host_id;
	const char *run_id;
	long buffer;
	bool per_process;
	bool map_given;
	pid_t tid;
	const char *comm;
	bool filter_uid;
	uid_t uid;
	const char *syscalls;
	__u8 syscall_bits[SLOT_BITMAP_BYTES];
	bool failed_only;
	int targ_errno;
	bool errors;
	bool latency;
	long proc_entries;
	bool per_cgroup;
	const char *cgroup;
	long process_top;
	bool process_top_given;
	long cgroup_top;
	bool cgroup_top_given;
} env = {
	.process_top = 20,
	.cgroup_top = 20,
	.buffer = 3600,
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
	"    syscall-counter-agent --comm nginx --syscall read,write,sendfile\n"
	"                                        # only these calls of tasks named nginx\n"
	"    syscall-counter-agent --uid 1000 -d 10\n"
	"                                        # only what user 1000 runs\n"
	"    syscall-counter-agent -- ls -l      # run 'ls -l', count it and its children\n"
	"    syscall-counter-agent -o csv -d 2   # every non-zero syscall as CSV\n"
	"    syscall-counter-agent --map hash    # use the shared-hash map strategy\n"
	"    syscall-counter-agent -P -d 5       # 5 seconds, by process (pid, comm, count)\n"
	"    syscall-counter-agent --errors -- make\n"
	"                                        # calls, failures and their errnos of a build\n"
	"    syscall-counter-agent --latency -- sh -c 'sleep 0.2'\n"
	"                                        # per syscall: average, p50, p99 time in the call\n"
	"    syscall-counter-agent -x -e ENOENT -d 5\n"
	"                                        # only calls failing with ENOENT\n"
	"    syscall-counter-agent -C -d 10      # by cgroup: containers and systemd units\n"
	"    syscall-counter-agent --cgroup /sys/fs/cgroup/system.slice/nginx.service\n"
	"                                        # only what runs in that cgroup\n"
	"    syscall-counter-agent -P -o csv -- make -j2\n"
	"                                        # every (process, syscall) count of a build\n"
	"    syscall-counter-agent -l            # list the syscalls known for this arch\n"
	"    syscall-counter-agent --server cp.example:50051 --token-file /etc/syscall-counter/token\n"
	"                                        # stream to a control plane, a snapshot every 10 s\n"
	"    syscall-counter-agent -C --server cp.example:50051 --token-file /etc/syscall-counter/token\n"
	"                                        # the same, with each snapshot's 20 busiest containers\n";

static const struct argp_option opts[] = {
	{ "duration", 'd', "SEC", 0,
	  "Stop after SEC seconds (default: until Ctrl-C, or until CMD exits)", 0 },
	{ "interval", 'i', "SEC", 0, "Print the counts of each interval of SEC seconds", 0 },
	{ "top", 'T', "N", 0, "Show the N busiest syscalls in the table (default 15)", 0 },
	{ "pid", 'p', "PID", 0, "Count only process PID", 0 },
	{ "tid", 't', "TID", 0, "Count only thread TID", 0 },
	{ "comm", OPT_COMM, "NAME", 0,
	  "Count only tasks named NAME (as in /proc/PID/comm, at most 15 characters)", 0 },
	{ "uid", OPT_UID, "UID", 0, "Count only tasks running as user id UID", 0 },
	{ "syscall", OPT_SYSCALL, "NAME[,NAME...]", 0,
	  "Count only these syscalls (names or numbers; see -l)", 0 },
	{ "failed", 'x', NULL, 0, "Count only calls that fail (return -1..-4095), at sys_exit", 0 },
	{ "errno", 'e', "NAME", 0,
	  "Count only calls failing with this errno (ENOENT, or a number); implies -x", 0 },
	{ "errors", OPT_ERRORS, NULL, 0,
	  "Also show, per syscall, how many calls failed and with which errno", 0 },
	{ "latency", OPT_LATENCY, NULL, 0,
	  "Also time each call from enter to exit of its thread: average, p50, p99 (log2 histogram in JSON)",
	  0 },
	{ "map", OPT_MAP, "MODE", 0,
	  "Map strategy: percpu (default), hash, percpu-hash, empty (counts nothing: benchmark floor)",
	  0 },
	{ "per-process", 'P', NULL, 0,
	  "Count per process: PID | COMM | COUNT; CSV/JSON list every (process, syscall) count. With -i, cumulative",
	  0 },
	{ "per-cgroup", 'C', NULL, 0,
	  "Count per cgroup v2: path, container id or systemd unit, count", 0 },
	{ "proc-entries", OPT_PROC_ENTRIES, "N", 0,
	  "With -P/-C: bound of the per-process/cgroup map (default 65536); counts beyond it are reported as unattributed",
	  0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0,
	  "Count only tasks in this cgroup v2 directory or below it", 0 },
	{ "process-top", OPT_PROCESS_TOP, "K", 0,
	  "With -P and --server: name the K busiest processes of each snapshot (default 20)", 1 },
	{ "cgroup-top", OPT_CGROUP_TOP, "K", 0,
	  "With -C and --server: name the K busiest cgroups of each snapshot (default 20)", 1 },
	{ "output", 'o', "FMT", 0, "Output format: table (default), csv, json", 0 },
	{ "list", 'l', NULL, 0, "List every syscall known for this arch (NR<TAB>NAME) and exit",
	  0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf debug output", 0 },
	{ "server", OPT_SERVER, "HOST:PORT", 0,
	  "Stream cumulative snapshots to this control plane (every -i SEC, default 10)", 1 },
	{ "token-file", OPT_TOKEN_FILE, "FILE", 0,
	  "File holding the bearer token the control plane expects", 1 },
	{ "tls-ca", OPT_TLS_CA, "FILE", 0, "Use TLS, trusting the CA certificates in FILE (PEM)",
	  1 },
	{ "host-id", OPT_HOST_ID, "ID", 0, "Host id to report (default: /etc/machine-id)", 1 },
	{ "run-id", OPT_RUN_ID, "ID", 0, "Run id to report (default: a fresh UUID)", 1 },
	{ "buffer", OPT_BUFFER, "N", 0,
	  "Unacked snapshots kept while the control plane is away (default 3600)", 1 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static long parse_long(const char *arg, long min, long max, struct argp_state *state,
		       const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		argp_error(state, "invalid %s '%s': expected a whole number from %ld to %ld", what,
			   arg, min, max);
	return v;
}

/* --syscall read,write,39: names from this arch's table, or numbers -1..MAX_SYSCALL_ID. */
static void parse_syscalls(const char *arg, struct argp_state *state)
{
	char *list = strdup(arg), *save = NULL, *tok, *end;

	if (!list)
		argp_failure(state, 1, ENOMEM, "--syscall");
	env.syscalls = arg;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long nr = strtol(tok, &end, 10);
		int slot = -1;

		if (*tok && !*end) {
			if (nr == -1)
				slot = SLOT_NEG1;
			else if (nr >= 0 && nr <= MAX_SYSCALL_ID)
				slot = nr;
		} else {
			for (int i = 0; i < SYSCALL_TABLE_LEN; i++)
				if (syscall_table[i] && !strcmp(syscall_table[i], tok))
					slot = i;
		}
		if (slot < 0) {
			/* argp_error exits: @list stays allocated for the message. */
			argp_error(
				state,
				"unknown syscall '%s' for %s (-l lists them; numbers -1 to %d work too)",
				tok, SYSCALL_TABLE_ARCH, MAX_SYSCALL_ID);
		}
		env.syscall_bits[slot / 8] |= 1 << (slot % 8);
	}
	free(list);
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
	case 'P':
		env.per_process = true;
		break;
	case 't':
		env.tid = parse_long(arg, 1, INT_MAX, state, "tid");
		break;
	case OPT_COMM:
		if (!*arg || strlen(arg) >= COMM_LEN)
			argp_error(
				state,
				"invalid comm '%s': expected 1 to %d characters, as in /proc/PID/comm",
				arg, COMM_LEN - 1);
		env.comm = arg;
		break;
	case OPT_UID:
		env.uid = parse_long(arg, 0, UINT_MAX - 1, state, "uid");
		env.filter_uid = true;
		break;
	case OPT_SYSCALL:
		parse_syscalls(arg, state);
		break;
	case 'x':
		env.failed_only = true;
		break;
	case 'e':
		env.targ_errno = errno_parse(arg);
		if (!env.targ_errno)
			argp_error(
				state,
				"unknown errno '%s': expected a name like ENOENT or a number from 1 to %d",
				arg, MAX_ERRNO);
		env.failed_only = true;
		break;
	case OPT_ERRORS:
		env.errors = true;
		break;
	case OPT_LATENCY:
		env.latency = true;
		break;
	case 'C':
		env.per_cgroup = true;
		break;
	case OPT_PROCESS_TOP:
		env.process_top = parse_long(arg, 1, 10000, state, "process-top");
		env.process_top_given = true;
		break;
	case OPT_CGROUP_TOP:
		env.cgroup_top = parse_long(arg, 1, 10000, state, "cgroup-top");
		env.cgroup_top_given = true;
		break;
	case OPT_CGROUP: {
		struct statfs sfs;

		errno = 0;
		if (statfs(arg, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
			argp_error(state, "'%s' is not a cgroup v2 directory (%s)", arg,
				   errno ? strerror(errno) : "wrong file system");
		env.cgroup = arg;
		break;
	}
	case OPT_PROC_ENTRIES:
		env.proc_entries = parse_long(arg, 1, 1 << 24, state, "proc-entries");
		break;
	case OPT_MAP:
		env.map_given = true;
		if (map_mode_parse(arg, &env.mode))
			argp_error(
				state,
				"invalid map mode '%s': expected percpu, hash, percpu-hash or empty",
				arg);
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
	case OPT_SERVER:
		env.server = arg;
		break;
	case OPT_TOKEN_FILE:
		env.token_file = arg;
		break;
	case OPT_TLS_CA:
		env.tls_ca = arg;
		break;
	case OPT_HOST_ID:
		env.host_id = arg;
		break;
	case OPT_RUN_ID:
		env.run_id = arg;
		break;
	case OPT_BUFFER:
		env.buffer = parse_long(arg, 1, 1000000, state, "buffer");
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
		if (env.cmd && (env.pid || env.tid))
			argp_error(state, "-p/-t and a command are exclusive");
		if (env.failed_only && env.map_given && env.mode != MAP_PERCPU)
			argp_error(state, "-x/-e count in the default map only: drop --map");
		if ((env.failed_only || env.errors) && env.per_process)
			argp_error(state, "-x/-e/--errors do not combine with -P yet");
		if (env.errors && env.interval && !env.server)
			argp_error(
				state,
				"--errors reports once, at the end: drop -i (or stream it with --server)");
		if (env.latency && ((env.interval && !env.server) || env.per_process ||
				    env.failed_only || env.errors))
			argp_error(
				state,
				"--latency reports once, at the end (or streams with --server), on its own: drop -i, -P, -x/-e and --errors");
		if (env.per_process && env.map_given)
			argp_error(state, "-P counts in maps of its own: drop --map");
		if (env.process_top_given && !(env.per_process && env.server))
			argp_error(state, "--process-top goes with -P and --server");
		if (env.cgroup_top_given && !(env.per_cgroup && env.server))
			argp_error(state, "--cgroup-top goes with -C and --server");
		if (env.proc_entries && !env.per_process && !env.per_cgroup)
			argp_error(state, "--proc-entries goes with -P or -C");
		if (env.per_cgroup && (env.per_process || env.map_given || env.failed_only ||
				       env.errors || env.latency))
			argp_error(
				state,
				"-C counts in maps of its own, on its own: drop -P, --map, -x/-e, --errors and --latency");
		if ((env.token_file || env.tls_ca || env.host_id || env.run_id) && !env.server)
			argp_error(
				state,
				"--token-file, --tls-ca, --host-id and --run-id go with --server");
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

static uint64_t now_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads a PEM or token file whole; NULL (and a message) on failure. */
static char *slurp(const char *path, const char *what)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	long size;

	if (!f) {
		fprintf(stderr, "syscall-counter-agent: cannot read %s '%s': %s\n", what, path,
			strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && size < (1 << 20) &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = calloc(1, size + 1)))
		len = fread(buf, 1, size, f);
	fclose(f);
	if (!buf) {
		fprintf(stderr, "syscall-counter-agent: %s '%s' is unreadable or too large\n", what,
			path);
		return NULL;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return buf;
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
		fprintf(stderr,
			"syscall-counter-agent: not allowed to load BPF programs (%s): run as root, "
			"or grant CAP_BPF and CAP_PERFMON (setcap cap_bpf,cap_perfmon+ep)\n",
			strerror(-err));
	else
		fprintf(stderr,
			"syscall-counter-agent: cannot load the BPF program: %s (rerun with -v for the "
			"verifier log)\n",
			strerror(-err));
}

/* The per-process report of what is counted so far; non-zero on a read error. */
static int report_procs(struct collector *coll, struct report *rep, int first)
{
	static struct snapshot totals;
	struct proc_counts pc;
	int err = collector_read_procs(coll, &pc, &totals);

	if (err) {
		fprintf(stderr, "syscall-counter-agent: cannot read the per-process counts: %s\n",
			strerror(-err));
		return err;
	}
	rep->slots = totals.slots;
	print_proc_report(stdout, env.format, rep, &pc, collector_proc_capacity(coll));
	procs_counts_free(&pc);
	return 0;
}

/* The per-cgroup report of what is counted so far (cumulative); non-zero on a read error. */
static int report_cgroups(struct collector *coll, struct report *rep)
{
	static __u64 totals[NR_SLOTS];
	struct cgroup_names names;
	struct cgroup_counts cc;
	int err = collector_read_cgroups(coll, &cc, totals);

	if (err) {
		fprintf(stderr, "syscall-counter-agent: cannot read the per-cgroup counts: %s\n",
			strerror(-err));
		free(cc.rows);
		return err;
	}
	if (cgroup_names_load(&names))
		fprintf(stderr,
			"syscall-counter-agent: warning: no cgroup v2 mount found: cgroups are shown by id\n");
	rep->slots = totals;
	print_cgroup_report(stdout, env.format, rep, &cc, &names);
	cgroup_names_free(&names);
	free(cc.rows);
	return 0;
}

/* Reads the counters and queues a snapshot; -P and -C add the interval's busiest processes or cgroups. */
static int push_snapshot(struct stream *stream, struct collector *coll, struct snapshot *snap,
			 bool final)
{
	static struct cgroup_interval cgi;
	struct stream_detail detail = {};
	struct proc_row *prows = NULL;
	struct cgroup_delta *crows = NULL;
	struct cgroup_counts cc = {};
	struct proc_counts pc = {};
	static __u64 failed[NR_SLOTS];
	static struct latency lat;
	struct errno_count *errnos = NULL;
	int err;

	memset(snap, 0, sizeof(*snap));
	/* Failures first: every call they count entered before, so it is in the counts read next. */
	if (env.errors) {
		err = collector_read_errors(coll, failed, &errnos, &detail.nerrnos);
		if (err)
			goto cleanup;
		detail.failed = failed;
		detail.errnos = errnos;
	}
	if (env.per_process) {
		err = collector_read_procs(coll, &pc, snap);
		if (!err)
			err = procs_interval(&coll->procs, &pc, env.process_top, &prows,
					     &detail.nprocs);
		detail.procs = prows;
		for (int s = 0; s < NR_SLOTS; s++)
			detail.unattributed += pc.unattributed[s];
	} else if (env.per_cgroup) {
		err = collector_read_cgroup_snapshot(coll, &cc, snap);
		if (!err)
			err = cgroup_interval_next(&cgi, &cc, env.cgroup_top, &crows,
						   &detail.ncgroups);
		detail.cgroups = crows;
		for (int s = 0; s < NR_SLOTS; s++)
			detail.unattributed += cc.unattributed[s];
	} else {
		err = collector_read(coll, snap);
	}
	/* After the counts: every call with a histogram row was counted (it may have returned since). */
	if (!err && env.latency) {
		err = collector_read_latency(coll, snap->slots, &lat);
		detail.lat = &lat;
	}
	if (!err)
		err = stream_push(stream, snap, now_wall_ms(), final, &detail);
cleanup:
	if (final)
		cgroup_interval_free(&cgi);
	procs_counts_free(&pc);
	free(cc.rows);
	free(prows);
	free(crows);
	free(errnos);
	return err;
}

static void build_scope(char *buf, size_t len)
{
	size_t off;

	if (env.pid) {
		off = snprintf(buf, len, "pid %d", env.pid);
	} else if (env.tid) {
		off = snprintf(buf, len, "tid %d", env.tid);
	} else if (env.cmd) {
		off = snprintf(buf, len, "command:");
		for (char **a = env.cmd; *a && off < len; a++)
			off += snprintf(buf + off, len - off, " %s", *a);
	} else {
		off = snprintf(buf, len, "all processes");
	}
	if (env.pid && env.tid && off < len)
		off += snprintf(buf + off, len - off, ", tid %d", env.tid);
	if (env.comm && off < len)
		off += snprintf(buf + off, len - off, ", comm %s", env.comm);
	if (env.filter_uid && off < len)
		off += snprintf(buf + off, len - off, ", uid %u", env.uid);
	if (env.syscalls && off < len)
		off += snprintf(buf + off, len - off, ", syscalls %s", env.syscalls);
	if (env.cgroup && off < len)
		off += snprintf(buf + off, len - off, ", cgroup %s", env.cgroup);
	if (env.targ_errno && off < len) {
		char name[32];

		snprintf(buf + off, len - off, ", failed calls with %s",
			 errno_name(env.targ_errno, name, sizeof(name)));
	} else if (env.failed_only && off < len) {
		snprintf(buf + off, len - off, ", failed calls");
	}
}

static struct stream *open_stream(const char *scope, char **token, char **ca)
{
	static struct host_facts facts;
	struct stream_opts o = {};

	host_facts_read(&facts);
	if (env.token_file && !(*token = slurp(env.token_file, "token file")))
		return NULL;
	if (env.tls_ca && !(*ca = slurp(env.tls_ca, "CA file")))
		return NULL;
	o.server = env.server;
	o.token = *token;
	o.tls_ca_pem = *ca;
	o.max_pending = env.buffer;
	o.hello.host_id = env.host_id ? env.host_id : facts.host_id;
	o.hello.hostname = facts.hostname;
	o.hello.kernel_release = facts.kernel_release;
	o.hello.arch = SYSCALL_TABLE_ARCH;
	o.hello.boot_id = facts.boot_id;
	o.hello.agent_version = AGENT_VERSION;
	o.hello.map_mode = map_mode_name(env.mode);
	o.hello.scope = scope;
	o.hello.run_id = env.run_id ? env.run_id : facts.run_id;
	o.hello.interval_ms = env.interval * 1000;
	o.hello.started_ms = now_wall_ms();
	o.hello.process_top_k = env.per_process ? env.process_top : 0;
	o.hello.cgroup_top_k = env.per_cgroup ? env.cgroup_top : 0;
	o.hello.errors = env.errors;
	o.hello.latency = env.latency;
	fprintf(stderr, "syscall-counter-agent: streaming to %s as host %s, run %s, every %d s\n",
		env.server, o.hello.host_id, o.hello.run_id, env.interval);
	return stream_new(&o);
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
	static struct snapshot snap, prev, delta;
	struct stream *stream = NULL;
	struct report rep = {};
	sigset_t mask, oldmask;
	char scope[256], clock_buf[16];
	char *token = NULL, *ca = NULL;
	double start, deadline, next_tick, stop_deadline = 0;
	int err, wstatus = 0, exit_code = 0, first = 1;
	bool child_done = false, stopping = false;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return 2;
	if (env.list) {
		print_list(stdout);
		return 0;
	}
	if (env.server && !env.interval)
		env.interval = DEFAULT_STREAM_INTERVAL;

	libbpf_set_print(libbpf_print_fn);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr,
			"syscall-counter-agent: this kernel exposes no BTF (/sys/kernel/btf/vmlinux): "
			"a kernel built with CONFIG_DEBUG_INFO_BTF=y is needed\n");
		return 1;
	}

	/*
	 * Signals are taken synchronously with sigtimedwait: block them before
	 * anything (gRPC included) starts a thread, so every thread inherits the mask.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);

	if (env.cmd) {
		err = child_start(&child, env.cmd, &oldmask);
		if (err) {
			fprintf(stderr, "syscall-counter-agent: cannot run '%s': %s\n", env.cmd[0],
				strerror(-err));
			return 127;
		}
	}

	copts.mode = env.mode;
	copts.targ_tgid = env.pid;
	copts.follow = env.cmd != NULL;
	copts.verbose = env.verbose;
	copts.per_process = env.per_process;
	copts.targ_tid = env.tid;
	copts.comm = env.comm;
	copts.filter_uid = env.filter_uid;
	copts.uid = env.uid;
	copts.syscall_bits = env.syscalls ? env.syscall_bits : NULL;
	copts.failed_only = env.failed_only;
	copts.targ_errno = env.targ_errno;
	copts.errors = env.errors;
	copts.latency = env.latency;
	copts.per_cgroup = env.per_cgroup;
	copts.cgroup = env.cgroup;
	copts.proc_entries = env.proc_entries;
	err = collector_open(&coll, &copts);
	if (err) {
		explain_load_error(err);
		exit_code = 1;
		goto cleanup;
	}

	build_scope(scope, sizeof(scope));
	if (env.server) {
		stream = open_stream(scope, &token, &ca);
		if (!stream) {
			exit_code = 1;
			goto cleanup;
		}
	}

	if (env.cmd) {
		err = collector_track(&coll, child.pid);
		if (err) {
			fprintf(stderr, "syscall-counter-agent: cannot track the command: %s\n",
				strerror(-err));
			exit_code = 1;
			goto cleanup;
		}
		err = child_release(&child);
		if (err) {
			fprintf(stderr, "syscall-counter-agent: cannot run '%s': %s\n", env.cmd[0],
				strerror(-err));
			exit_code = 127;
			goto cleanup;
		}
	}

	if (!env.cmd)
		fprintf(stderr, "Tracing syscalls of %s (map %s)... %s\n", scope,
			map_mode_name(env.mode), env.duration ? "" : "Ctrl-C to end.");

	start = now_mono();
	deadline = env.duration ? start + env.duration : 0;
	next_tick = env.interval ? start + env.interval : 0;
	rep.scope = scope;
	rep.map_mode = map_mode_name(env.mode);
	rep.top = env.top;

	for (;;) {
		double now = now_mono(), wake;
		struct timespec ts = {};
		siginfo_t si;
		int sig;

		if (stopping) {
			if (!stream || !stream_unacked(stream) || now >= stop_deadline)
				break;
		} else if (next_tick && now >= next_tick && (!deadline || next_tick <= deadline)) {
			/* A tick due at the deadline comes first: -i 1 -d 2 gives two reports. */
			if (stream) {
				err = push_snapshot(stream, &coll, &snap, false);
				if (err)
					break;
				next_tick += env.interval;
				continue;
			}
			err = collector_read(&coll, &snap);
			if (err)
				break;
			format_clock(clock_buf, sizeof(clock_buf));
			rep.time = clock_buf;
			/* Per-process and per-cgroup reports are cumulative; the others show the interval. */
			rep.seconds = env.per_cgroup || env.per_process ? now - start :
									  env.interval;
			if (env.per_cgroup) {
				if (report_cgroups(&coll, &rep))
					break;
			} else if (env.per_process) {
				if (report_procs(&coll, &rep, first))
					break;
			} else {
				for (int s = 0; s < NR_SLOTS; s++) {
					delta.slots[s] = snap.slots[s] - prev.slots[s];
					delta.compat[s] = snap.compat[s] - prev.compat[s];
				}
				prev = snap;
				rep.compat = delta.compat;
				rep.slots = delta.slots;
				print_report(stdout, env.format, &rep, first);
			}
			first = 0;
			next_tick += env.interval;
			continue;
		} else if (deadline && now >= deadline) {
			sig = SIGTERM;
			goto stop;
		}

		wake = now + (stream ? 0.2 : 3600);
		if (!stopping && deadline && deadline < wake)
			wake = deadline;
		if (!stopping && next_tick && next_tick < wake)
			wake = next_tick;
		if (stream) {
			/* The completion queue is the main loop: gRPC only progresses in here. */
			stream_poll(stream, (int)((wake - now) * 1000) + 1);
		} else {
			ts.tv_sec = (time_t)(wake - now);
			ts.tv_nsec = (long)((wake - now - ts.tv_sec) * 1e9);
		}
		sig = sigtimedwait(&mask, &si, &ts);
		if (sig == SIGCHLD && env.cmd && !child_done &&
		    waitpid(child.pid, &wstatus, WNOHANG) == child.pid) {
			child.pid = -1;
			child_done = true;
		} else if (sig != SIGINT && sig != SIGTERM) {
			continue;
		}
stop:
		if (stopping)
			continue;
		stopping = true;
		if (!stream)
			break;
		/* The final snapshot: sent and acked (within a grace period) before exit. */
		push_snapshot(stream, &coll, &snap, true);
		stop_deadline = now_mono() + STOP_GRACE_MS / 1000.0;
	}

	err = collector_read(&coll, &snap);
	if (err) {
		fprintf(stderr, "syscall-counter-agent: cannot read the counts: %s\n",
			strerror(-err));
		exit_code = 1;
		goto cleanup;
	}
	/* Per-process reports are cumulative, so the last one (at exit) is the whole run. */
	if (!env.interval || stream || env.per_process || env.per_cgroup) {
		rep.time = NULL;
		rep.seconds = now_mono() - start;
		rep.slots = snap.slots;
		rep.compat = snap.compat;
		if (env.per_process && !stream) {
			if (report_procs(&coll, &rep, 1))
				exit_code = 1;
		} else if (env.per_process) {
			/* Streamed: the exited processes went to the control plane; here, the totals. */
			print_report(stdout, env.format, &rep, 1);
		} else if (env.per_cgroup) {
			if (report_cgroups(&coll, &rep))
				exit_code = 1;
		} else if (env.latency) {
			static struct latency lat;

			err = collector_read_latency(&coll, snap.slots, &lat);
			if (err) {
				fprintf(stderr,
					"syscall-counter-agent: cannot read the latencies: %s\n",
					strerror(-err));
				exit_code = 1;
			} else {
				rep.lat = &lat;
				print_report(stdout, env.format, &rep, 1);
			}
		} else if (env.errors) {
			static __u64 failed_slots[NR_SLOTS];
			struct errno_count *errnos = NULL;

			err = collector_read_errors(&coll, failed_slots, &errnos, &rep.nerrnos);
			if (err) {
				fprintf(stderr,
					"syscall-counter-agent: cannot read the failed calls: %s\n",
					strerror(-err));
				exit_code = 1;
			} else {
				rep.failed = failed_slots;
				rep.errnos = errnos;
				print_report(stdout, env.format, &rep, 1);
			}
			free(errnos);
		} else {
			print_report(stdout, env.format, &rep, 1);
		}
	}
	{
		__u64 insert_failed = 0, track_full = 0, comm_full = 0, errno_full = 0,
		      inflight_full = 0, misses = 0;

		if (!collector_health(&coll, &insert_failed, &track_full, &comm_full, &errno_full,
				      &inflight_full, &misses) &&
		    (insert_failed || track_full || misses))
			fprintf(stderr,
				"syscall-counter-agent: warning: counts may be short: %llu failed inserts, "
				"%llu untracked forks, %llu skipped program runs\n",
				insert_failed, track_full, misses);
		if (inflight_full)
			fprintf(stderr,
				"syscall-counter-agent: warning: %llu calls were not timed (more than %d threads in "
				"syscalls at once); their counts are exact\n",
				inflight_full, MAX_INFLIGHT);
		if (errno_full)
			fprintf(stderr,
				"syscall-counter-agent: warning: %llu failed calls have no errno breakdown (the errno "
				"map was full); the FAILED counts are exact\n",
				errno_full);
		if (comm_full)
			fprintf(stderr,
				"syscall-counter-agent: warning: %llu process names were not recorded (shown as ?)\n",
				comm_full);
	}
	if (stream && stream_unacked(stream)) {
		fprintf(stderr,
			"syscall-counter-agent: %zu snapshot(s) were not acked by %s before exit\n",
			stream_unacked(stream), env.server);
		exit_code = 1;
	}
	if (env.cmd) {
		if (!child_done) {
			/* Ended by -d or a signal before the command: stop it, as strace would. */
			kill(child.pid, SIGTERM);
			waitpid(child.pid, &wstatus, 0);
			child.pid = -1;
		}
		/* The command's status; but a success whose counts were not stored is a failure. */
		if (WIFEXITED(wstatus) && (WEXITSTATUS(wstatus) || !exit_code))
			exit_code = WEXITSTATUS(wstatus);
		else if (WIFSIGNALED(wstatus))
			exit_code = 128 + WTERMSIG(wstatus);
	}

cleanup:
	stream_free(stream);
	free(token);
	free(ca);
	child_kill(&child);
	collector_close(&coll);
	return exit_code;
}
