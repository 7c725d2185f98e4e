/* SPDX-License-Identifier: GPL-2.0 */
/* For options.c: value checks that end argp with a usage error, and the rules between options. */
#ifndef __OPTIONS_CHECK_H
#define __OPTIONS_CHECK_H

#include <argp.h>
#include "options.h"

/* @arg as a whole number in [@min, @max], else a usage error naming @what. */
long option_long(const char *arg, long min, long max, struct argp_state *state, const char *what);
/* --syscall: sets the slots named in the comma list @arg, and points the collector at them. */
void option_syscalls(const char *arg, struct agent_opts *o, struct argp_state *state);
/* --cgroup: a cgroup v2 directory. */
void option_cgroup(const char *arg, struct agent_opts *o, struct argp_state *state);
/* The message of the first rule between options that @o breaks, or NULL. */
const char *options_broken_rule(const struct agent_opts *o);

#endif /* __OPTIONS_CHECK_H */
