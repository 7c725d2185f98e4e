/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __PROC_OUTPUT_H
#define __PROC_OUTPUT_H

#include <stdio.h>
#include "output.h"
#include "procs.h"

/* The per-process report (-P): processes by count; CSV/JSON carry every (process, syscall) count. */
void print_proc_report(FILE *f, enum output_format fmt, const struct report *r,
		       const struct proc_counts *pc, size_t map_capacity);

#endif /* __PROC_OUTPUT_H */
