import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';

/** The wire's syscall number as the CLI's rows hold it: null for the "other" bucket (SYSCALL_NR_OTHER). */
export function rowNr(nr: number): number | null {
  return nr === SYSCALL_NR_OTHER ? null : nr;
}
