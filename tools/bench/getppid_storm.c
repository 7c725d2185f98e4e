// SPDX-License-Identifier: GPL-2.0
/*
 * Calls getppid in a tight loop on T threads; prints the CPU time per call in ns: the
 * time the calls cost, not the time spent waiting for a CPU on a shared machine.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static long n;

static void *storm(void *arg)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	pthread_t tids[256];
	int t;

	if (argc != 3 || (n = atol(argv[1])) < 1 || (t = atoi(argv[2])) < 1 || t > 256) {
		fprintf(stderr, "usage: getppid_storm CALLS_PER_THREAD THREADS\n");
		return 2;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (int i = 0; i < t; i++)
		pthread_create(&tids[i], NULL, storm, NULL);
	for (int i = 0; i < t; i++)
		pthread_join(tids[i], NULL);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	/* Process CPU time (user + system, all threads) over all calls. */
	printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n / t);
	return 0;
}
