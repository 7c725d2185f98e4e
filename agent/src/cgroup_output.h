/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __CGROUP_OUTPUT_H
#define __CGROUP_OUTPUT_H

#include <stdio.h>
#include "collector.h"
#include "cgroups.h"
#include "output.h"

/* The per-cgroup report (-C): cgroups by count, named by path and container/unit. */
void print_cgroup_report(FILE *f, enum output_format fmt, const struct report *r,
			 struct cgroup_counts *cc, const struct cgroup_names *names);

#endif /* __CGROUP_OUTPUT_H */
