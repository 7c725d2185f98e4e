// SPDX-License-Identifier: GPL-2.0
/* Checks of option values, and the rules between options. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "options_check.h"
#include "syscall_helpers.h"
#include "syscall_table.h"

long option_long(const char *arg, long min, long max, struct argp_state *state, const char *what)
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
void option_syscalls(const char *arg, struct agent_opts *o, struct argp_state *state)
{
	char *list = strdup(arg), *save = NULL, *tok;

	if (!list)
		argp_failure(state, 1, ENOMEM, "--syscall");
	o->syscalls = arg;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int slot = syscall_slot_parse(tok);

		if (slot < 0) {
			/* argp_error exits: @list stays allocated for the message. */
			argp_error(
				state,
				"unknown syscall '%s' for %s (-l lists them; numbers -1 to %d work too)",
				tok, SYSCALL_TABLE_ARCH, MAX_SYSCALL_ID);
		}
		o->syscall_bits[slot / 8] |= 1 << (slot % 8);
	}
	free(list);
	o->coll.syscall_bits = o->syscall_bits;
}

/* --cgroup: a cgroup v2 directory, checked here so a typo is a usage error. */
void option_cgroup(const char *arg, struct agent_opts *o, struct argp_state *state)
{
	struct statfs sfs;

	errno = 0;
	if (statfs(arg, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC)
		argp_error(state, "'%s' is not a cgroup v2 directory (%s)", arg,
			   errno ? strerror(errno) : "wrong file system");
	o->coll.cgroup = arg;
}

/*
 * The rules between options, in one place: the first one broken, or NULL.
 * Checked once every option is known (ARGP_KEY_END), so the order on the line does not matter.
 */
const char *options_broken_rule(const struct agent_opts *o)
{
	const struct collector_opts *c = &o->coll;
	bool streaming = o->srv.server != NULL;

	if (o->cmd && (c->targ_tgid || c->targ_tid))
		return "-p/-t and a command are exclusive";
	if (c->failed_only && o->map_given && c->mode != MAP_PERCPU)
		return "-x/-e count in the default map only: drop --map";
	if ((c->failed_only || c->errors) && c->per_process)
		return "-x/-e/--errors do not combine with -P yet";
	if (c->errors && o->interval && !streaming)
		return "--errors reports once, at the end: drop -i (or stream it with --server)";
	/* --errors goes with it: one run gives strace -c's table (calls, errors, time). */
	if (c->latency && ((o->interval && !streaming) || c->per_process || c->failed_only))
		return "--latency reports once, at the end (or streams with --server): "
		       "drop -i, -P and -x/-e";
	if (c->per_process && o->map_given)
		return "-P counts in maps of its own: drop --map";
	if (o->process_top_given && !(c->per_process && streaming))
		return "--process-top goes with -P and --server";
	if (o->cgroup_top_given && !(c->per_cgroup && streaming))
		return "--cgroup-top goes with -C and --server";
	if (c->proc_entries && !c->per_process && !c->per_cgroup)
		return "--proc-entries goes with -P or -C";
	if (c->per_cgroup &&
	    (c->per_process || o->map_given || c->failed_only || c->errors || c->latency))
		return "-C counts in maps of its own, on its own: "
		       "drop -P, --map, -x/-e, --errors and --latency";
	if (o->metrics_token_file && !o->metrics_addr)
		return "--metrics-token-file goes with --metrics-addr";
	/* --host-id also names the host in --metrics-addr's series. */
	if ((o->srv.token_file || o->srv.tls_ca || (o->srv.host_id && !o->metrics_addr) ||
	     o->srv.run_id) &&
	    !streaming)
		return "--token-file, --tls-ca, --host-id and --run-id go with --server";
	if (!o->srv.tls_cert != !o->srv.tls_key)
		return "--tls-cert and --tls-key go together";
	if (o->srv.tls_cert && !o->srv.tls_ca)
		return "--tls-cert and --tls-key go with --tls-ca";
	/* The control plane takes no call without a token (it has no "no auth" mode): say so now. */
	if (streaming && !o->srv.token_file)
		return "--server needs --token-file FILE, the token the control plane expects "
		       "(its SC_TOKEN_FILE, or this host's line of its SC_TOKENS_FILE)";
	return NULL;
}
