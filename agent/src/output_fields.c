// SPDX-License-Identifier: GPL-2.0
/* What every report format shares: the -o values, a syscall's fields, JSON strings. */
#include <errno.h>
#include <string.h>
#include "output.h"
#include "syscall_helpers.h"

int output_parse(const char *s, enum output_format *fmt)
{
	if (!strcmp(s, "table"))
		*fmt = OUT_TABLE;
	else if (!strcmp(s, "csv"))
		*fmt = OUT_CSV;
	else if (!strcmp(s, "json"))
		*fmt = OUT_JSON;
	else
		return -EINVAL;
	return 0;
}

void print_slot_fields(FILE *f, enum output_format fmt, int slot, const char *name)
{
	if (fmt == OUT_JSON) {
		if (slot == SLOT_OTHER)
			fprintf(f, "\"nr\":null,\"name\":\"%s\"", name);
		else
			fprintf(f, "\"nr\":%d,\"name\":\"%s\"", slot_nr(slot), name);
	} else if (slot == SLOT_OTHER) {
		fprintf(f, ",%s", name);
	} else {
		fprintf(f, "%d,%s", slot_nr(slot), name);
	}
}

void print_syscall_entry(FILE *f, enum output_format fmt, int first, int slot, __u64 count)
{
	char buf[32];

	if (fmt == OUT_JSON) {
		fprintf(f, "%s{", first ? "" : ",");
		print_slot_fields(f, fmt, slot, slot_name(slot, buf, sizeof(buf)));
		fprintf(f, ",\"count\":%llu}", count);
	} else {
		print_slot_fields(f, fmt, slot, slot_name(slot, buf, sizeof(buf)));
		fprintf(f, ",%llu\n", count);
	}
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}
