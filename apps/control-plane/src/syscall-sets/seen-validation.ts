import type { Snapshot } from '@syscall-counter/proto';
import { InvalidArgumentError } from '../common/domain-errors';
import { nrFromWire, OTHER_NR } from '../common/syscall-nr';
import { CgroupName } from './syscall-sets.repository';

export interface SeenRow extends CgroupName {
  nrs: number[];
}

/** Snapshot.cgroup_syscalls checked: named cgroups (as in CgroupCount), syscall numbers of the table. */
export function validateSeen(s: Snapshot): SeenRow[] {
  return (s.cgroupSyscalls ?? []).map((g) => {
    if (!/^(\/|cgroup_\d+$)/.test(g.path) || Buffer.byteLength(g.path) > 4096)
      throw new InvalidArgumentError(
        `cgroup_syscalls: path '${g.path.slice(0, 80)}' must start with '/' (or be cgroup_<id>) and fit in 4096 bytes`,
      );
    if (Buffer.byteLength(g.container) > 128)
      throw new InvalidArgumentError(`cgroup_syscalls ${g.path}: container longer than 128 bytes`);
    const nrs = g.nrs.map((nr) => nrFromWire(nr, `cgroup_syscalls ${g.path}`)).filter((nr) => nr !== OTHER_NR);
    return { path: g.path, container: g.container, nrs };
  });
}
