import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';

/** A row of a syscall: its number on the wire (SYSCALL_NR_OTHER for the other bucket) and its name. */
export interface SyscallRef {
  nr: number;
  name: string;
}

/** SYSCALL# and NAME: the other bucket has no number, shown as @other ('-' in tables, '' in CSV). */
export function syscallCells(r: SyscallRef, other: '-' | ''): [string, string] {
  return [r.nr === SYSCALL_NR_OTHER ? other : String(r.nr), r.name];
}

/** nr in JSON: null for the other bucket. */
export function nrJson(nr: number): number | null {
  return nr === SYSCALL_NR_OTHER ? null : nr;
}
