// SPDX-License-Identifier: GPL-2.0
/* Makes an exactly known number of system calls, for the agent's tests. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static long n;

static void getppid_n(long count)
{
	for (long i = 0; i < count; i++)
		syscall(SYS_getppid);
}

static void *thread_fn(void *arg)
{
	getppid_n(n);
	return NULL;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: workload getppid N         N getppid calls\n"
		"       workload threads T N       T threads, N getppid calls each\n"
		"       workload fork N            a forked child and the parent, N getppid calls each\n"
		"       workload raw NR N          N calls of syscall(NR), NR may be -1 or unknown\n"
		"       workload close N K         N close calls of which K fail (EBADF)\n"
		"       workload int80 N           N 32-bit getpid calls (int $0x80, i386 number 20; x86_64 only)\n"
		"       workload gated N           print pid, wait for a line on stdin, N getppid calls,\n"
		"                                  print 'done', wait for stdin to close\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "getppid")) {
		getppid_n(atol(argv[2]));
	} else if (!strcmp(argv[1], "threads") && argc == 4) {
		int t = atoi(argv[2]);
		pthread_t tids[64];

		n = atol(argv[3]);
		if (t < 1 || t > 64)
			return usage();
		for (int i = 0; i < t; i++)
			pthread_create(&tids[i], NULL, thread_fn, NULL);
		for (int i = 0; i < t; i++)
			pthread_join(tids[i], NULL);
	} else if (!strcmp(argv[1], "fork")) {
		pid_t pid = fork();

		getppid_n(atol(argv[2]));
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	} else if (!strcmp(argv[1], "raw") && argc == 4) {
		long nr = atol(argv[2]), count = atol(argv[3]);

		for (long i = 0; i < count; i++)
			syscall(nr);
	} else if (!strcmp(argv[1], "close") && argc == 4) {
		long total = atol(argv[2]), bad = atol(argv[3]);

		for (long i = 0; i < total; i++) {
			if (i < bad)
				close(-1);
			else
				close(dup(0));
		}
	} else if (!strcmp(argv[1], "int80")) {
#if defined(__x86_64__)
		for (long i = 0, n = atol(argv[2]); i < n; i++) {
			long ret = 20; /* i386 getpid */

			asm volatile("int $0x80" : "+a"(ret) : : "memory");
		}
#else
		return usage();
#endif
	} else if (!strcmp(argv[1], "gated")) {
		char line[16];

		printf("%d\n", getpid());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		getppid_n(atol(argv[2]));
		printf("done\n");
		fflush(stdout);
		while (fgets(line, sizeof(line), stdin))
			;
	} else {
		return usage();
	}
	return 0;
}
