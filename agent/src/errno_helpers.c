// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "syscall_counter.h"
#include "errno_helpers.h"

/* Kernel-internal codes a syscall can return at sys_exit (include/linux/errno.h). */
static const char *const kernel_errnos[] = {
	[512 - 512] = "ERESTARTSYS",
	"ERESTARTNOINTR",
	"ERESTARTNOHAND",
	"ENOIOCTLCMD",
	"ERESTART_RESTARTBLOCK",
	"EPROBE_DEFER",
	"EOPENSTALE",
	"ENOPARAM",
	NULL,
	"EBADHANDLE",
	"ENOTSYNC",
	"EBADCOOKIE",
	"ENOTSUPP",
	"ETOOSMALL",
	"ESERVERFAULT",
	"EBADTYPE",
	"EJUKEBOX",
	"EIOCBQUEUED",
	"ERECALLCONFLICT",
};
#define NR_KERNEL_ERRNOS (sizeof(kernel_errnos) / sizeof(kernel_errnos[0]))

const char *errno_name(int err, char *buf, size_t len)
{
	const char *name = NULL;

	if (err >= 512 && err < 512 + (int)NR_KERNEL_ERRNOS)
		name = kernel_errnos[err - 512];
	else if (err > 0 && err < 512)
		name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, len, "errno_%d", err);
	return buf;
}

int errno_parse(const char *s)
{
	char buf[32], *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end)
		return n > 0 && n <= MAX_ERRNO ? n : 0;
	for (int e = 1; e <= MAX_ERRNO; e++)
		if (!strcmp(errno_name(e, buf, sizeof(buf)), s))
			return e;
	return 0;
}
