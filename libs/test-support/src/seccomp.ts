import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

/** agent/tests/seccomp_apply.c: loads a JSON seccomp profile with libseccomp, then execs the workload. */
export const SECCOMP_APPLY = join(ROOT, 'agent/.output/seccomp_apply');

/** Runs @command under the profile in @profilePath, as a container runtime would. */
export function underProfile(profilePath: string, command: string[]): SpawnSyncReturns<string> {
  return spawnSync(SECCOMP_APPLY, [profilePath, ...command], { encoding: 'utf8', timeout: 30000 });
}

interface AllowList {
  syscalls: { names: string[]; action: string }[];
}

/** Writes a copy of the JSON profile @from to @to without the syscall @name: the profile one call short. */
export function withoutSyscall(from: string, to: string, name: string): void {
  const doc = JSON.parse(readFileSync(from, 'utf8')) as AllowList;
  for (const s of doc.syscalls) s.names = s.names.filter((n) => n !== name);
  writeFileSync(to, JSON.stringify(doc, null, 2));
}
