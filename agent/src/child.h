/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __CHILD_H
#define __CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct child {
	pid_t pid;
	int gate_fd;	       /* the child execs once this is written */
	int status_fd;	       /* carries errno if exec fails; EOF once exec succeeded */
	bool stdout_to_stderr; /* stdout carries the agent's report: the command writes to stderr */
};

/*
 * Forks a child that waits at a gate, so its pid can be tracked before it
 * runs the command. @mask is restored in the child before exec.
 */
int child_start(struct child *ch, char *const argv[], const sigset_t *mask);
/* Opens the gate; returns 0 once the command runs, or -errno of a failed exec. */
int child_release(struct child *ch);
void child_kill(struct child *ch);

#endif /* __CHILD_H */
