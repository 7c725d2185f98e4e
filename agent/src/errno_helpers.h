/* SPDX-License-Identifier: GPL-2.0 */
/* Errno names, including the kernel-internal codes a syscall can return at sys_exit. */
#ifndef __ERRNO_HELPERS_H
#define __ERRNO_HELPERS_H

#include <stddef.h>

/* "ENOENT", the kernel's internal names for 512..530, else "errno_<N>". */
const char *errno_name(int err, char *buf, size_t len);
/* An errno from a name or a number; 0 if unknown. */
int errno_parse(const char *s);

#endif /* __ERRNO_HELPERS_H */
