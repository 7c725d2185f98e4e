import { Injectable } from '@nestjs/common';
import type { ObservedSyscall, SyscallSetRequest, SyscallSetResponse } from '@syscall-counter/proto';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../common/domain-errors';
import { nrToWire, OTHER_NR } from '../common/syscall-nr';
import { HostsRunsRepository } from '../hosts-runs/hosts-runs.repository';
import { hostsOf } from '../queries/scope-window';
import { SetFilter, SetRow, SyscallSetsRepository } from './syscall-sets.repository';

interface Acc {
  count: bigint;
  hosts: Set<string>;
  first: bigint;
  last: bigint;
}

/** SyscallSet: what a scope called, the union over its hosts and runs, with counts and first/last seen. */
@Injectable()
export class SyscallSetsService {
  constructor(
    private readonly hostsRuns: HostsRunsRepository,
    private readonly repo: SyscallSetsRepository,
  ) {}

  async syscallSet(req: SyscallSetRequest): Promise<SyscallSetResponse> {
    const f = await this.filterOf(req);
    const bySyscall = new Map<number, Acc>();
    const add = (rows: SetRow[]) => {
      for (const r of rows) {
        const nr = Number(r.nr);
        if (nr === OTHER_NR || nr < 0) continue;
        const a = bySyscall.get(nr) ?? { count: 0n, hosts: new Set(), first: r.first_ms, last: r.last_ms };
        bySyscall.set(nr, a);
        a.count += BigInt(r.c);
        a.hosts.add(r.host_id);
        if (r.first_ms < a.first) a.first = r.first_ms;
        if (r.last_ms > a.last) a.last = r.last_ms;
      }
    };
    // A container's set is complete from the per-cgroup sets; its counts only from the top-K rows.
    if (f.container) add(await this.repo.containerSet(f));
    add(await this.repo.countedSet(f));
    const hosts = [...new Set([...bySyscall.values()].flatMap((a) => [...a.hosts]))].sort();
    const arches = await this.repo.arches(hosts);
    if (arches.length > 1)
      throw new FailedPreconditionError(`the scope mixes architectures (${arches.join(', ')}): narrow it to one`);
    const syscalls: ObservedSyscall[] = [...bySyscall.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([nr, a]) => ({
        nr: nrToWire(nr),
        count: String(a.count),
        hostIds: [...a.hosts].sort(),
        firstSeenUnixMs: String(a.first),
        lastSeenUnixMs: String(a.last),
      }));
    return { arch: arches[0] ?? '', syscalls };
  }

  private async filterOf(req: SyscallSetRequest): Promise<SetFilter> {
    const s = req.scope;
    const hostIds = hostsOf(s);
    for (const hostId of hostIds)
      if (!(await this.hostsRuns.hostExists(hostId))) throw new NotFoundError(`unknown host '${hostId}'`);
    if (s?.runId && !(await this.hostsRuns.runExists(s.runId))) throw new NotFoundError(`unknown run '${s.runId}'`);
    if (s?.pid) throw new InvalidArgumentError('a syscall set is per container, comm, host or run, not per pid');
    if (s?.comm && s.container) throw new InvalidArgumentError('a syscall set is per container or per comm, not both');
    if ((s?.comm ?? '').length > 15 || (s?.container ?? '').length > 4096)
      throw new InvalidArgumentError('comm is at most 15 bytes and container at most 4096');
    return {
      hostIds,
      runId: s?.runId ?? '',
      since: BigInt(s?.sinceUnixMs ?? 0),
      until: BigInt(s?.untilUnixMs ?? 0),
      container: s?.container ?? '',
      comm: s?.comm ?? '',
    };
  }
}
