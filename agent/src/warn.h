/* SPDX-License-Identifier: GPL-2.0 */
/* The one place that spells the program name messages start with. */
#ifndef __WARN_H
#define __WARN_H

#include <stdio.h>

#define PROG_NAME "syscall-counter-agent"

/* A message on stderr, "syscall-counter-agent: ..."; @fmt ends with its own newline. */
#define warn(fmt, ...) fprintf(stderr, PROG_NAME ": " fmt, ##__VA_ARGS__)

#endif /* __WARN_H */
