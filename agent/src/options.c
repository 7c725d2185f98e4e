// SPDX-License-Identifier: GPL-2.0
/* The command line: the argp table, its parser, and the rules between options. */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "options.h"
#include "options_check.h"
#include "stream_servers.h"
#include "metrics_http.h"
#include "errno_helpers.h"
#include "warn.h"

/* With a control plane, snapshots go every 10 s unless -i says otherwise: fine
 * enough for history, a tenth of the rows of 1 s. */
#define DEFAULT_STREAM_INTERVAL 10

enum {
	OPT_MAP = 0x100,
	OPT_SERVER,
	OPT_TOKEN_FILE,
	OPT_TLS_CA,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
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
	/* The report's own channel (issue 13). */
	OPT_OUT,
	/* Self-exclusion (issue 13). */
	OPT_INCLUDE_SELF,
	/* Stopping under faults (issue 11). */
	OPT_STOP_GRACE,
	/* The agent as a Prometheus exporter (issue 15). */
	OPT_METRICS_ADDR,
	OPT_METRICS_TOKEN_FILE,
};

const char *argp_program_version = PROG_NAME " " AGENT_VERSION;
const char *argp_program_bug_address = "https://github.com/syscall-counter/syscall-counter/issues";
/* Lines of at most 79 columns: argp wraps longer ones mid-sentence (its rmargin is 79). */
static const char argp_program_doc[] =
	"Count system calls in the kernel, exactly, with eBPF.\n"
	"\n"
	"USAGE: syscall-counter-agent [OPTION...] [-- CMD [ARG...]]\n"
	"\n"
	"EXAMPLES:\n"
	"  syscall-counter-agent               # count all syscalls until Ctrl-C\n"
	"  syscall-counter-agent -d 5 -T 20    # 5 seconds, show the 20 busiest\n"
	"  syscall-counter-agent -i 1          # each second's counts, every second\n"
	"  syscall-counter-agent -p 181        # only process 181\n"
	"  syscall-counter-agent --comm nginx --syscall read,write,sendfile\n"
	"                                      # only these calls of tasks named nginx\n"
	"  syscall-counter-agent --uid 1000 -d 10\n"
	"                                      # only what user 1000 runs\n"
	"  syscall-counter-agent -- ls -l      # run 'ls -l', count it and its children\n"
	"  syscall-counter-agent -o csv -d 2   # every non-zero syscall as CSV\n"
	"  syscall-counter-agent --map hash    # the shared-hash map strategy\n"
	"  syscall-counter-agent -P -d 5       # by process: pid, comm, count\n"
	"  syscall-counter-agent --errors -- make\n"
	"                                      # a build's calls, failures, errnos\n"
	"  syscall-counter-agent --latency -- sh -c 'sleep 0.2'\n"
	"                                      # avg, p50, p99 time in each syscall\n"
	"  syscall-counter-agent -x -e ENOENT -d 5\n"
	"                                      # only calls failing with ENOENT\n"
	"  syscall-counter-agent -C -d 10      # by cgroup: containers, systemd units\n"
	"  syscall-counter-agent --cgroup /sys/fs/cgroup/system.slice/nginx.service\n"
	"                                      # only what runs in that cgroup\n"
	"  syscall-counter-agent -P -o csv -- make -j2\n"
	"                                      # a build's (process, syscall) counts\n"
	"  syscall-counter-agent -l            # the syscalls known for this arch\n"
	"  syscall-counter-agent --server cp.example:50051 \\\n"
	"      --token-file /etc/syscall-counter/token\n"
	"                                      # stream a snapshot every 10 s\n"
	"  syscall-counter-agent -C --server cp.example:50051 \\\n"
	"      --token-file /etc/syscall-counter/token\n"
	"                                      # the same, with the 20 busiest cgroups\n"
	"  syscall-counter-agent --metrics-addr 127.0.0.1:9435\n"
	"                                      # serve the counts to Prometheus\n";

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
	/* The report's own channel (issue 13): never mixed with the command's output. */
	{ "out", OPT_OUT, "FILE", 0,
	  "Write the reports to FILE; without it they go to stdout and a command's stdout goes to stderr",
	  0 },
	/* Self-exclusion (issue 13): the agent's own map reads are not the workload's. */
	{ "include-self", OPT_INCLUDE_SELF, NULL, 0,
	  "Also count the agent's own syscalls (left out by default)", 0 },
	{ "list", 'l', NULL, 0, "List every syscall known for this arch (NR<TAB>NAME) and exit",
	  0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf debug output", 0 },
	{ "server", OPT_SERVER, "HOST[:PORT][,...]", 0,
	  "Stream cumulative snapshots to this control plane (every -i SEC, default 10); "
	  "several replicas: fail over to the next, resending what is unacked",
	  1 },
	{ "token-file", OPT_TOKEN_FILE, "FILE", 0,
	  "File holding the bearer token the control plane expects", 1 },
	{ "tls-ca", OPT_TLS_CA, "FILE", 0, "Use TLS, trusting the CA certificates in FILE (PEM)",
	  1 },
	/* mTLS: the host's own certificate, whose CN or SAN the control plane matches to its id. */
	{ "tls-cert", OPT_TLS_CERT, "FILE", 0,
	  "With --tls-ca: present this client certificate (PEM; CN or SAN = the host id)", 1 },
	{ "tls-key", OPT_TLS_KEY, "FILE", 0, "The private key of --tls-cert (PEM)", 1 },
	{ "host-id", OPT_HOST_ID, "ID", 0, "Host id to report (default: /etc/machine-id)", 1 },
	{ "run-id", OPT_RUN_ID, "ID", 0, "Run id to report (default: a fresh UUID)", 1 },
	{ "buffer", OPT_BUFFER, "N", 0,
	  "Unacked snapshots kept while the control plane is away (default 3600)", 1 },
	/* Stopping under faults (issue 11): a control plane restarting may need longer than 5 s. */
	{ "stop-grace", OPT_STOP_GRACE, "SEC", 0,
	  "On exit, wait up to SEC seconds for the final snapshot's ack (default 5)", 1 },
	/* The agent as a Prometheus exporter (issue 15): group 2, with or without --server. */
	{ "metrics-addr", OPT_METRICS_ADDR, "HOST:PORT", 0,
	  "Serve the counts at http://HOST:PORT/metrics for Prometheus ([IPV6]:PORT; default off)",
	  2 },
	{ "metrics-token-file", OPT_METRICS_TOKEN_FILE, "FILE", 0,
	  "With --metrics-addr: scrapes must send 'Authorization: Bearer TOKEN', TOKEN read from FILE",
	  2 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

/* What is counted, and how: the collector's options. */
static error_t parse_count_arg(int key, char *arg, struct agent_opts *o, struct argp_state *state)
{
	struct collector_opts *c = &o->coll;

	switch (key) {
	case 'p':
		c->targ_tgid = option_long(arg, 1, INT_MAX, state, "pid");
		break;
	case 't':
		c->targ_tid = option_long(arg, 1, INT_MAX, state, "tid");
		break;
	case OPT_COMM:
		if (!*arg || strlen(arg) >= COMM_LEN)
			argp_error(
				state,
				"invalid comm '%s': expected 1 to %d characters, as in /proc/PID/comm",
				arg, COMM_LEN - 1);
		c->comm = arg;
		break;
	case OPT_UID:
		c->uid = option_long(arg, 0, UINT_MAX - 1, state, "uid");
		c->filter_uid = true;
		break;
	case OPT_SYSCALL:
		option_syscalls(arg, o, state);
		break;
	case 'x':
		c->failed_only = true;
		break;
	case 'e':
		c->targ_errno = errno_parse(arg);
		if (!c->targ_errno)
			argp_error(
				state,
				"unknown errno '%s': expected a name like ENOENT or a number from 1 to %d",
				arg, MAX_ERRNO);
		c->failed_only = true;
		break;
	case OPT_CGROUP:
		option_cgroup(arg, o, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* How counts are kept and broken down: map strategy, per process or cgroup, errors, latency. */
static error_t parse_mode_arg(int key, char *arg, struct agent_opts *o, struct argp_state *state)
{
	struct collector_opts *c = &o->coll;

	switch (key) {
	case OPT_MAP:
		o->map_given = true;
		if (map_mode_parse(arg, &c->mode))
			argp_error(
				state,
				"invalid map mode '%s': expected percpu, hash, percpu-hash or empty",
				arg);
		break;
	case 'P':
		c->per_process = true;
		break;
	case 'C':
		c->per_cgroup = true;
		break;
	case OPT_PROC_ENTRIES:
		c->proc_entries = option_long(arg, 1, 1 << 24, state, "proc-entries");
		break;
	case OPT_ERRORS:
		c->errors = true;
		break;
	case OPT_LATENCY:
		c->latency = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* When and how to report: duration, intervals, format, -l, libbpf's debug output. */
static error_t parse_report_arg(int key, char *arg, struct agent_opts *o, struct argp_state *state)
{
	const char *bad;

	switch (key) {
	case 'd':
		o->duration = option_long(arg, 1, INT_MAX, state, "duration");
		break;
	case 'i':
		o->interval = option_long(arg, 1, INT_MAX, state, "interval");
		break;
	case 'T':
		o->top = option_long(arg, 1, NR_SLOTS, state, "top");
		break;
	case 'o':
		if (output_parse(arg, &o->format))
			argp_error(state, "invalid output '%s': expected table, csv or json", arg);
		break;
	case OPT_INCLUDE_SELF:
		o->include_self = true;
		break;
	case OPT_OUT:
		o->out_file = arg;
		break;
	case OPT_METRICS_ADDR:
		if ((bad = metrics_addr_check(arg)))
			argp_error(state, "--metrics-addr '%s': %s", arg, bad);
		o->metrics_addr = arg;
		break;
	case OPT_METRICS_TOKEN_FILE:
		o->metrics_token_file = arg;
		break;
	case 'l':
		o->list = true;
		break;
	case 'v':
		o->coll.verbose = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Streaming to a control plane. */
static error_t parse_server_arg(int key, char *arg, struct agent_opts *o, struct argp_state *state)
{
	struct server_opts *s = &o->srv;

	switch (key) {
	case OPT_SERVER:
		/* HOST alone means the control plane's documented port, as in the CLI. */
		if (servers_with_ports(arg, s->server_list, sizeof(s->server_list)))
			argp_error(state,
				   "--server '%s' is not HOST[:PORT][,HOST[:PORT]...] (at most %d; "
				   "the port defaults to " DEFAULT_SERVER_PORT ")",
				   arg, MAX_SERVERS);
		s->server = s->server_list;
		break;
	case OPT_TOKEN_FILE:
		s->token_file = arg;
		break;
	case OPT_TLS_CA:
		s->tls_ca = arg;
		break;
	case OPT_TLS_CERT:
		s->tls_cert = arg;
		break;
	case OPT_TLS_KEY:
		s->tls_key = arg;
		break;
	case OPT_HOST_ID:
		s->host_id = arg;
		break;
	case OPT_RUN_ID:
		s->run_id = arg;
		break;
	case OPT_BUFFER:
		s->buffer = option_long(arg, 1, 1000000, state, "buffer");
		break;
	case OPT_STOP_GRACE:
		s->stop_grace = option_long(arg, 0, 3600, state, "stop-grace");
		break;
	case OPT_PROCESS_TOP:
		s->process_top = option_long(arg, 1, 10000, state, "process-top");
		o->process_top_given = true;
		break;
	case OPT_CGROUP_TOP:
		s->cgroup_top = option_long(arg, 1, 10000, state, "cgroup-top");
		o->cgroup_top_given = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct agent_opts *o = state->input;
	const char *broken;
	error_t err;

	switch (key) {
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		return 0;
	case ARGP_KEY_ARG:
		/* Declined, so argp hands over all remaining arguments as ARGP_KEY_ARGS. */
		return ARGP_ERR_UNKNOWN;
	case ARGP_KEY_ARGS:
		if (state->next < 1 || strcmp(state->argv[state->next - 1], "--"))
			argp_error(state, "unexpected argument '%s' (put a command after --)",
				   state->argv[state->next]);
		o->cmd = state->argv + state->next;
		o->coll.follow = true;
		return 0;
	case ARGP_KEY_END:
		broken = options_broken_rule(o);
		if (broken)
			argp_error(state, "%s", broken);
		return 0;
	}
	err = parse_count_arg(key, arg, o, state);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_mode_arg(key, arg, o, state);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_report_arg(key, arg, o, state);
	if (err == ARGP_ERR_UNKNOWN)
		err = parse_server_arg(key, arg, o, state);
	return err;
}

int options_parse(int argc, char **argv, struct agent_opts *o)
{
	static const struct argp argp = {
		.options = opts,
		.parser = parse_arg,
		.doc = argp_program_doc,
	};

	*o = (struct agent_opts){
		.coll = { .mode = MAP_PERCPU },
		.top = 15,
		.format = OUT_TABLE,
		.srv = { .buffer = 3600, .process_top = 20, .cgroup_top = 20, .stop_grace = 5 },
	};
	/* Usage errors exit 2, like the CLI's (not sysexits' 64). */
	argp_err_exit_status = 2;
	if (argp_parse(&argp, argc, argv, 0, NULL, o))
		return -EINVAL;
	if (o->srv.server && !o->interval)
		o->interval = DEFAULT_STREAM_INTERVAL;
	/* The agent's own reads of the maps would otherwise dominate a -P table. */
	if (!o->include_self)
		o->coll.excl_tgid = getpid();
	return 0;
}
