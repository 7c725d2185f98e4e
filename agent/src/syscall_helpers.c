// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "syscall_counter.h"
#include "syscall_helpers.h"
#include "syscall_table.h"

int slot_nr(int slot)
{
	if (slot == SLOT_NEG1)
		return -1;
	return slot == SLOT_OTHER ? SYSCALL_NR_OTHER : slot;
}

const char *slot_name(int slot, char *buf, size_t len)
{
	if (slot == SLOT_OTHER)
		return "other";
	if (slot >= 0 && slot < SYSCALL_TABLE_LEN && syscall_table[slot])
		return syscall_table[slot];
	snprintf(buf, len, "syscall_%d", slot_nr(slot));
	return buf;
}

const char *compat_slot_name(int slot, char *buf, size_t len)
{
#ifdef SYSCALL_TABLE_I386_LEN
	if (slot >= 0 && slot < SYSCALL_TABLE_I386_LEN && syscall_table_i386[slot])
		return syscall_table_i386[slot];
#endif
	if (slot == SLOT_OTHER)
		return "other";
	snprintf(buf, len, "syscall_%d", slot_nr(slot));
	return buf;
}

int syscall_slot_parse(const char *s)
{
	char *end;
	long nr = strtol(s, &end, 10);

	if (*s && !*end) {
		if (nr == -1)
			return SLOT_NEG1;
		return nr >= 0 && nr <= MAX_SYSCALL_ID ? nr : -1;
	}
	for (int i = 0; i < SYSCALL_TABLE_LEN; i++)
		if (syscall_table[i] && !strcmp(syscall_table[i], s))
			return i;
	return -1;
}

void print_syscall_list(FILE *f)
{
	for (int nr = 0; nr < SYSCALL_TABLE_LEN; nr++) {
		if (syscall_table[nr])
			fprintf(f, "%d\t%s\n", nr, syscall_table[nr]);
	}
}
