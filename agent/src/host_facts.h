/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __HOST_FACTS_H
#define __HOST_FACTS_H

#include <stddef.h>

struct host_facts {
	char host_id[129]; /* /etc/machine-id: stable across restarts */
	char hostname[256];
	char kernel_release[65];
	char boot_id[64];
	char run_id[64]; /* fresh per agent start */
};

void host_facts_read(struct host_facts *f);
/* Reads a whole small file, trailing whitespace trimmed; -errno on failure. */
int read_trimmed(const char *path, char *buf, size_t len);

#endif /* __HOST_FACTS_H */
