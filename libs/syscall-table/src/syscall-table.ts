import { ARM64_SYSCALLS, ERRNOS, I386_SYSCALLS, X86_64_SYSCALLS } from './generated/tables';

/** i386: 32-bit (compat) programs on an x86_64 kernel, which number syscalls their own way. */
export type Arch = 'x86_64' | 'arm64' | 'i386';
export const ARCHES: readonly Arch[] = ['x86_64', 'arm64', 'i386'];

const ALIASES: Record<string, Arch> = {
  x86_64: 'x86_64',
  'x86-64': 'x86_64',
  amd64: 'x86_64',
  x64: 'x86_64',
  arm64: 'arm64',
  aarch64: 'arm64',
  i386: 'i386',
  i686: 'i386',
  ia32: 'i386',
  x86: 'i386',
};

const byNumber: Record<Arch, Map<number, string>> = {
  x86_64: new Map(X86_64_SYSCALLS),
  arm64: new Map(ARM64_SYSCALLS),
  i386: new Map(I386_SYSCALLS),
};
const byName: Record<Arch, Map<string, number>> = {
  x86_64: new Map(X86_64_SYSCALLS.map(([nr, name]) => [name, nr])),
  arm64: new Map(ARM64_SYSCALLS.map(([nr, name]) => [name, nr])),
  i386: new Map(I386_SYSCALLS.map(([nr, name]) => [name, nr])),
};

/** Accepts the names uname, Node and distributions use for an architecture. */
export function parseArch(value: string): Arch {
  const arch = ALIASES[value.trim().toLowerCase()];
  if (!arch) {
    throw new Error(`unknown architecture '${value}': expected one of ${ARCHES.join(', ')}`);
  }
  return arch;
}

/**
 * The one number for the "other" bucket (every id outside [-1, 1023], and 32-bit calls) on the
 * wire, in the store and in the CLI: see proto/syscall_counter/v1/collector.proto.
 */
export const SYSCALL_NR_OTHER = -2;

/** The syscall's name on @arch ("other" for SYSCALL_NR_OTHER), or syscall_<nr> when unknown: never a guess. */
export function syscallName(arch: Arch, nr: number): string {
  if (nr === SYSCALL_NR_OTHER) return 'other';
  return byNumber[arch].get(nr) ?? `syscall_${nr}`;
}

export function isKnown(arch: Arch, nr: number): boolean {
  return byNumber[arch].has(nr);
}

/** The number of a syscall by name (also accepts syscall_<N>), or undefined. */
export function syscallNumber(arch: Arch, name: string): number | undefined {
  const known = byName[arch].get(name);
  if (known !== undefined) return known;
  const m = /^syscall_(-?\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function listSyscalls(arch: Arch): Array<{ nr: number; name: string }> {
  return [...byNumber[arch]].map(([nr, name]) => ({ nr, name }));
}

const errnoNames = new Map(ERRNOS);

/** An errno's name (x86_64 and arm64 share the asm-generic numbers), or errno_<n> when unknown. */
export function errnoName(code: number): string {
  return errnoNames.get(code) ?? `errno_${code}`;
}
