/* SPDX-License-Identifier: GPL-2.0 */
/* Whether this process may load and attach BPF programs, asked before libbpf tries. */
#ifndef __PRIVILEGES_H
#define __PRIVILEGES_H

#include <stdbool.h>

/*
 * True when the effective capabilities allow loading tracing programs: CAP_SYS_ADMIN, or
 * CAP_BPF with CAP_PERFMON (Linux 5.8+). Otherwise prints the one line that says how to
 * get them, so that it comes first rather than after libbpf's own errors.
 */
bool privileges_enough(void);

#endif /* __PRIVILEGES_H */
