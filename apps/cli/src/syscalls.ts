import { Arch, parseArch, SYSCALL_NR_OTHER, syscallName, syscallNumber } from '@syscall-counter/syscall-table';
import { usageError } from './errors';

/** An architecture's name, from --arch or from a host's report; an unknown one is a usage error. */
export function archOf(value: string): Arch {
  try {
    return parseArch(value);
  } catch (e) {
    // parseArch throws for nothing else; its message names the choices.
    throw usageError((e as Error).message);
  }
}

/** The table that names a reply's rows: --arch, else the hosts' own when they report one (mixed: none). */
export function nameTable(flag: Arch | undefined, reported: string | undefined): Arch | undefined {
  return flag ?? (reported ? archOf(reported) : undefined);
}

/** A row's NAME: the table's name ("other" for SYSCALL_NR_OTHER), or syscall_<nr> without a table. */
export function syscallLabel(nr: number, table: Arch | undefined): string {
  if (table) return syscallName(table, nr);
  return nr === SYSCALL_NR_OTHER ? 'other' : `syscall_${nr}`;
}

/** Orders ties by number, the other bucket after every numbered syscall. */
export function nrOrder(nr: number): number {
  return nr === SYSCALL_NR_OTHER ? Infinity : nr;
}

/** --syscall: a name of the table in use (x86_64 unless --arch), or a number. */
export function resolveSyscall(value: string, arch: Arch | undefined): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  const nr = syscallNumber(arch ?? 'x86_64', value);
  if (nr === undefined)
    throw usageError(`unknown syscall '${value}' for ${arch ?? 'x86_64'} (pass --arch, or a number)`);
  return nr;
}
