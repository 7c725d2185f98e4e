/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __OUTPUT_H
#define __OUTPUT_H

#include <stdio.h>
#include <linux/types.h>
#include "syscall_counter.h"

struct latency;

enum output_format { OUT_TABLE, OUT_CSV, OUT_JSON };

struct report {
	const char *scope; /* "all processes", "pid 42", "command: ls -l" */
	const char *map_mode;
	double seconds;
	const char *time; /* end of the interval, for interval output; may be NULL */
	int top;
	const __u64 *slots; /* NR_SLOTS counts */
	/* --errors: failed calls per slot, and their errno values (any order); NULL without. */
	const __u64 *failed;
	const struct errno_count *errnos;
	size_t nerrnos;
	/* --latency: per-slot histograms; NULL without. */
	const struct latency *lat;
	/* 32-bit (ia32) tasks' calls by i386 number; NULL or all zero when there were none. */
	const __u64 *compat;
};

int output_parse(const char *s, enum output_format *fmt);
void print_report(FILE *f, enum output_format fmt, const struct report *r, int first);
/* @slot's number and @name as CSV fields ("3,close", ",other") or JSON members ("nr":null for other). */
void print_slot_fields(FILE *f, enum output_format fmt, int slot, const char *name);
/* One native syscall with its count: "nr,name,count\n" in CSV, {"nr":..,"name":..,"count":..} in JSON. */
void print_syscall_entry(FILE *f, enum output_format fmt, int first, int slot, __u64 count);
/* @s as a JSON string literal. */
void json_string(FILE *f, const char *s);

#endif /* __OUTPUT_H */
