// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/utsname.h>
#include "host_facts.h"

int read_trimmed(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	return 0;
}

void host_facts_read(struct host_facts *f)
{
	struct utsname u;

	memset(f, 0, sizeof(*f));
	if (gethostname(f->hostname, sizeof(f->hostname) - 1))
		snprintf(f->hostname, sizeof(f->hostname), "unknown");
	if (read_trimmed("/etc/machine-id", f->host_id, sizeof(f->host_id)) || !f->host_id[0])
		snprintf(f->host_id, sizeof(f->host_id), "%.128s", f->hostname);
	if (uname(&u) == 0)
		snprintf(f->kernel_release, sizeof(f->kernel_release), "%s", u.release);
	read_trimmed("/proc/sys/kernel/random/boot_id", f->boot_id, sizeof(f->boot_id));
	if (read_trimmed("/proc/sys/kernel/random/uuid", f->run_id, sizeof(f->run_id)))
		snprintf(f->run_id, sizeof(f->run_id), "run-%d-%ld", getpid(), (long)time(NULL));
}
