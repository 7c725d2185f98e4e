/* SPDX-License-Identifier: GPL-2.0 */
/* Syscall names and numbers of count slots, for this arch (and i386 on x86). */
#ifndef __SYSCALL_HELPERS_H
#define __SYSCALL_HELPERS_H

#include <stddef.h>
#include <stdio.h>

/* "other": every id outside [-1, MAX_SYSCALL_ID] (SYSCALL_NR_OTHER in libs/syscall-table). */
#define SYSCALL_NR_OTHER (-2)

/*
 * The one mapping from a BPF slot to the syscall number reported, on the wire
 * (collector.proto) and in the reports: the id itself, -1 for SLOT_NEG1,
 * SYSCALL_NR_OTHER for SLOT_OTHER.
 */
int slot_nr(int slot);
/* The name of @slot: table name, syscall_<N> when unknown, or "other". */
const char *slot_name(int slot, char *buf, size_t len);
/* The same, for a 32-bit (i386) task's slot; x86 only has an i386 table. */
const char *compat_slot_name(int slot, char *buf, size_t len);
/* The slot of a syscall name of this arch or a number -1..MAX_SYSCALL_ID; -1 if unknown. */
int syscall_slot_parse(const char *s);
/* Every syscall known for this arch, "NR<TAB>NAME" a line. */
void print_syscall_list(FILE *f);

#endif /* __SYSCALL_HELPERS_H */
