/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __OUTPUT_H
#define __OUTPUT_H

#include <stdio.h>
#include <linux/types.h>
#include "syscall_counter.h"

enum output_format { OUT_TABLE, OUT_CSV, OUT_JSON };

struct report {
	const char *scope;	/* "all processes", "pid 42", "command: ls -l" */
	const char *map_mode;
	double seconds;
	const char *time;	/* end of the interval, for interval output; may be NULL */
	int top;
	const __u64 *slots;	/* NR_SLOTS counts */
};

int output_parse(const char *s, enum output_format *fmt);
/* The name of slot @slot: table name, syscall_<N> when unknown, or "other". */
const char *slot_name(int slot, char *buf, size_t len);
/* The syscall number shown for @slot; SLOT_OTHER has none. */
int slot_nr(int slot);
void print_report(FILE *f, enum output_format fmt, const struct report *r, int first);
/* @s as a JSON string literal. */
void json_string(FILE *f, const char *s);
void print_list(FILE *f);

#endif /* __OUTPUT_H */
