// SPDX-License-Identifier: GPL-2.0
/*
 * Applies a seccomp profile (moby's JSON, the OCI linux.seccomp object, or an OCI config.json
 * holding one) with libseccomp, then execs the workload under it: what runc and docker do
 * with a profile, in a few lines, for the tests of `syscall-counter seccomp`.
 *
 * USAGE: seccomp_apply PROFILE.json CMD [ARG...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <seccomp.h>

/* libseccomp's names of an action; errno takes its value from defaultErrnoRet/errnoRet. */
static int parse_action(const char *s, int errno_ret, uint32_t *action)
{
	if (!s)
		return -1;
	if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*action = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		*action = SCMP_ACT_ERRNO(errno_ret);
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*action = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*action = SCMP_ACT_KILL;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*action = SCMP_ACT_LOG;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*action = SCMP_ACT_TRAP;
	else
		return -1;
	return 0;
}

/* "SCMP_ARCH_X86_64" to libseccomp's "x86_64": the profile's names less their prefix, lower case. */
static uint32_t arch_token(const char *s)
{
	char name[32];
	size_t i;

	if (!s || strncmp(s, "SCMP_ARCH_", 10) || strlen(s + 10) >= sizeof(name))
		return 0;
	for (i = 0; s[10 + i]; i++)
		name[i] = s[10 + i] >= 'A' && s[10 + i] <= 'Z' ? s[10 + i] - 'A' + 'a' : s[10 + i];
	name[i] = '\0';
	return seccomp_arch_resolve_name(name);
}

static int add_arches(scmp_filter_ctx ctx, json_t *arches)
{
	size_t i;
	json_t *a;

	json_array_foreach(arches, i, a)
	{
		uint32_t token = arch_token(json_string_value(a));
		int err;

		if (!token) {
			fprintf(stderr, "seccomp_apply: unknown architecture %s\n",
				json_string_value(a));
			return -1;
		}
		err = seccomp_arch_add(ctx, token);
		if (err && err != -EEXIST) {
			fprintf(stderr, "seccomp_apply: cannot add %s: %s\n", json_string_value(a),
				strerror(-err));
			return -1;
		}
	}
	return 0;
}

/* One rule per name; a name no architecture knows is an error, not a silent gap. */
static int add_rules(scmp_filter_ctx ctx, json_t *syscalls, int errno_ret)
{
	size_t i, j;
	json_t *entry, *name;

	json_array_foreach(syscalls, i, entry)
	{
		json_t *ret = json_object_get(entry, "errnoRet");
		uint32_t action;

		if (parse_action(json_string_value(json_object_get(entry, "action")),
				 ret ? json_integer_value(ret) : errno_ret, &action)) {
			fprintf(stderr, "seccomp_apply: syscalls[%zu]: unknown action\n", i);
			return -1;
		}
		json_array_foreach(json_object_get(entry, "names"), j, name)
		{
			int nr = seccomp_syscall_resolve_name(json_string_value(name));
			int err;

			if (nr == __NR_SCMP_ERROR) {
				fprintf(stderr, "seccomp_apply: unknown syscall %s\n",
					json_string_value(name));
				return -1;
			}
			err = seccomp_rule_add(ctx, action, nr, 0);
			if (err && err != -EEXIST) {
				fprintf(stderr, "seccomp_apply: rule for %s: %s\n",
					json_string_value(name), strerror(-err));
				return -1;
			}
		}
	}
	return 0;
}

/* The filter of profile @p, or NULL after saying why. */
static scmp_filter_ctx build_filter(json_t *p)
{
	json_t *ret = json_object_get(p, "defaultErrnoRet");
	int errno_ret = ret ? json_integer_value(ret) : EPERM;
	scmp_filter_ctx ctx;
	uint32_t def;

	if (parse_action(json_string_value(json_object_get(p, "defaultAction")), errno_ret, &def)) {
		fprintf(stderr, "seccomp_apply: missing or unknown defaultAction\n");
		return NULL;
	}
	ctx = seccomp_init(def);
	if (!ctx) {
		fprintf(stderr, "seccomp_apply: seccomp_init failed\n");
		return NULL;
	}
	if (add_arches(ctx, json_object_get(p, "architectures")) ||
	    add_rules(ctx, json_object_get(p, "syscalls"), errno_ret)) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = NULL;
	json_error_t jerr;
	json_t *doc, *p;
	int err;

	if (argc < 3) {
		fprintf(stderr, "usage: seccomp_apply PROFILE.json CMD [ARG...]\n");
		return 2;
	}
	doc = json_load_file(argv[1], 0, &jerr);
	if (!doc) {
		fprintf(stderr, "seccomp_apply: %s:%d: %s\n", argv[1], jerr.line, jerr.text);
		return 1;
	}
	/* An OCI config.json holds the profile at linux.seccomp. */
	p = json_object_get(json_object_get(doc, "linux"), "seccomp");
	ctx = build_filter(p ? p : doc);
	json_decref(doc);
	if (!ctx)
		return 1;
	err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err) {
		fprintf(stderr, "seccomp_apply: seccomp_load: %s\n", strerror(-err));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "seccomp_apply: cannot run %s: %s\n", argv[2], strerror(errno));
	return 127;
}
