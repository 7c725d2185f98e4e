import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where cgroup v2 is mounted here (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts). */
export function cgroup2Root(): string {
  const line = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => / - cgroup2 /.test(l));
  if (!line) throw new Error('no cgroup2 mount');
  return line.split(' ')[4];
}

/** Creates a test cgroup at @relative (e.g. system.slice/x.scope) under the root; returns its directory. */
export function makeCgroup(relative: string): string {
  const dir = join(cgroup2Root(), relative);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Moves the process @pid into the cgroup @dir. */
export function enterCgroup(dir: string, pid: number | string): void {
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
}

/** Removes a test cgroup made by makeCgroup (its processes must have exited). */
export function removeCgroup(dir: string): void {
  rmdirSync(dir);
}

/** A shell command that moves itself into the cgroup @dir, then becomes @command. */
export function inCgroup(dir: string, command: string): string {
  return `sh -c 'echo $$ > ${dir}/cgroup.procs && exec ${command}'`;
}
