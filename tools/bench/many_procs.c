// SPDX-License-Identifier: GPL-2.0
/* Starts N processes that each call getppid and sleep 1 s in a loop, until this
 * process is killed (they die with it): a host with many live, mostly idle processes. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	long n;

	if (argc != 2 || (n = atol(argv[1])) < 0) {
		fprintf(stderr, "usage: many_procs N\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			struct timespec one = { .tv_sec = 1 };

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;) {
				syscall(SYS_getppid);
				nanosleep(&one, NULL);
			}
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
