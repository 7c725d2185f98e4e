// SPDX-License-Identifier: GPL-2.0
/* Unit test of the rules between options (options_broken_rule): each rule, broken and kept. */
#include <stdio.h>
#include <string.h>
#include "options_check.h"

static char *cmd[] = { "true", NULL };

#define RULE_P_CMD "-p/-t and a command are exclusive"
#define RULE_X_MAP "-x/-e count in the default map only: drop --map"
#define RULE_X_P "-x/-e/--errors do not combine with -P yet"
#define RULE_ERRORS_I "--errors reports once, at the end: drop -i (or stream it with --server)"
#define RULE_LATENCY \
	"--latency reports once, at the end (or streams with --server): drop -i, -P and -x/-e"
#define RULE_P_MAP "-P counts in maps of its own: drop --map"
#define RULE_PROCESS_TOP "--process-top goes with -P and --server"
#define RULE_CGROUP_TOP "--cgroup-top goes with -C and --server"
#define RULE_PROC_ENTRIES "--proc-entries goes with -P or -C"
#define RULE_C \
	"-C counts in maps of its own, on its own: drop -P, --map, -x/-e, --errors and --latency"
#define RULE_SERVER "--token-file, --tls-ca, --host-id and --run-id go with --server"

#define RULE_TOKEN                                                               \
	"--server needs --token-file FILE, the token the control plane expects " \
	"(its SC_TOKEN_FILE, or this host's line of its SC_TOKENS_FILE)"

#define SERVER                                             \
	{                                                  \
		.server = "127.0.0.1:1", .token_file = "t" \
	}

static const struct {
	const char *name;
	struct agent_opts o;
	const char *want; /* NULL: no rule broken */
} cases[] = {
	{ "defaults", {}, NULL },
	{ "--server without --token-file", { .srv = { .server = "127.0.0.1:1" } }, RULE_TOKEN },
	{ "-- CMD", { .cmd = cmd }, NULL },
	{ "-p and -- CMD", { .cmd = cmd, .coll = { .targ_tgid = 1 } }, RULE_P_CMD },
	{ "-t and -- CMD", { .cmd = cmd, .coll = { .targ_tid = 1 } }, RULE_P_CMD },
	{ "-x --map percpu", { .map_given = true, .coll = { .failed_only = true } }, NULL },
	{ "-x --map hash",
	  { .map_given = true, .coll = { .failed_only = true, .mode = MAP_HASH } },
	  RULE_X_MAP },
	{ "-x -P", { .coll = { .failed_only = true, .per_process = true } }, RULE_X_P },
	{ "--errors -P", { .coll = { .errors = true, .per_process = true } }, RULE_X_P },
	{ "--errors -i", { .interval = 1, .coll = { .errors = true } }, RULE_ERRORS_I },
	{ "--errors -i --server",
	  { .interval = 1, .srv = SERVER, .coll = { .errors = true } },
	  NULL },
	{ "--latency -i", { .interval = 1, .coll = { .latency = true } }, RULE_LATENCY },
	{ "--latency -i --server",
	  { .interval = 1, .srv = SERVER, .coll = { .latency = true } },
	  NULL },
	{ "--latency -P", { .coll = { .latency = true, .per_process = true } }, RULE_LATENCY },
	{ "--latency -x", { .coll = { .latency = true, .failed_only = true } }, RULE_LATENCY },
	{ "--latency --errors", { .coll = { .latency = true, .errors = true } }, NULL },
	{ "-P --map", { .map_given = true, .coll = { .per_process = true } }, RULE_P_MAP },
	{ "--process-top -P",
	  { .process_top_given = true, .coll = { .per_process = true } },
	  RULE_PROCESS_TOP },
	{ "--process-top -P --server",
	  { .process_top_given = true, .srv = SERVER, .coll = { .per_process = true } },
	  NULL },
	{ "--cgroup-top -C",
	  { .cgroup_top_given = true, .coll = { .per_cgroup = true } },
	  RULE_CGROUP_TOP },
	{ "--cgroup-top -C --server",
	  { .cgroup_top_given = true, .srv = SERVER, .coll = { .per_cgroup = true } },
	  NULL },
	{ "--proc-entries", { .coll = { .proc_entries = 10 } }, RULE_PROC_ENTRIES },
	{ "--proc-entries -C", { .coll = { .proc_entries = 10, .per_cgroup = true } }, NULL },
	{ "-C -P", { .coll = { .per_cgroup = true, .per_process = true } }, RULE_C },
	{ "-C --map", { .map_given = true, .coll = { .per_cgroup = true } }, RULE_C },
	{ "-C -x", { .coll = { .per_cgroup = true, .failed_only = true } }, RULE_C },
	{ "-C --errors", { .coll = { .per_cgroup = true, .errors = true } }, RULE_C },
	{ "-C --latency", { .coll = { .per_cgroup = true, .latency = true } }, RULE_C },
	{ "--token-file", { .srv = { .token_file = "t" } }, RULE_SERVER },
	{ "--run-id", { .srv = { .run_id = "r" } }, RULE_SERVER },
	{ "--host-id", { .srv = { .host_id = "h" } }, RULE_SERVER },
	/* --host-id names the host in --metrics-addr's series too (issue 15). */
	{ "--host-id --metrics-addr",
	  { .srv = { .host_id = "h" }, .metrics_addr = "[::1]:9435" },
	  NULL },
	{ "--token-file --server", { .srv = { .server = "h:1", .token_file = "t" } }, NULL },
};

int main(void)
{
	int failed = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = options_broken_rule(&cases[i].o), *want = cases[i].want;

		if (got == want || (got && want && !strcmp(got, want))) {
			printf("ok - %s: %s\n", cases[i].name, got ? got : "allowed");
		} else {
			printf("not ok - %s: got '%s', want '%s'\n", cases[i].name,
			       got ? got : "allowed", want ? want : "allowed");
			failed++;
		}
	}
	printf("%zu passed, %d failed\n", sizeof(cases) / sizeof(cases[0]) - failed, failed);
	return failed ? 1 : 0;
}
