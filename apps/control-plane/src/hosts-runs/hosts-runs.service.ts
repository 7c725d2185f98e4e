import { Injectable } from '@nestjs/common';
import type { Host as HostMsg, Run as RunMsg } from '@syscall-counter/proto';
import { NotFoundError } from '../common/domain-errors';
import { retainedSpan } from '../retention/retained-span';
import { RetentionMarksRepository } from '../retention/retention-marks.repository';
import { HostsRunsRepository } from './hosts-runs.repository';

/** ListHosts and ListRuns: what the control plane has heard from, with the calls each counted. */
@Injectable()
export class HostsRunsService {
  constructor(
    private readonly repo: HostsRunsRepository,
    private readonly retention: RetentionMarksRepository,
  ) {}

  async listHosts(): Promise<HostMsg[]> {
    const bpf = await this.bpfBy('host_id');
    const marks = await this.retention.marks();
    const starts = await this.retention.hostStarts();
    return (await this.repo.listHosts()).map((r) => ({
      hostId: r.host_id,
      hostname: r.hostname,
      kernelRelease: r.kernel_release,
      arch: r.arch,
      firstSeenUnixMs: String(r.first_seen_ms),
      lastSeenUnixMs: String(r.last_seen_ms),
      runs: Number(r.runs),
      total: String(r.total),
      ...bpfFields(bpf.get(r.host_id)),
      ...retainedSpan(starts.get(r.host_id) ?? r.first_seen_ms, marks),
    }));
  }

  async listRuns(hostId: string): Promise<RunMsg[]> {
    if (hostId && !(await this.repo.hostExists(hostId))) throw new NotFoundError(`unknown host '${hostId}'`);
    const bpf = await this.bpfBy('run_id');
    const marks = await this.retention.marks();
    return (await this.repo.listRuns(hostId)).map((r) => ({
      runId: r.run_id,
      hostId: r.host_id,
      hostname: r.hostname,
      scope: r.scope,
      mapMode: r.map_mode,
      intervalMs: Number(r.interval_ms),
      startedUnixMs: String(r.started_ms),
      lastSeenUnixMs: String(r.last_seen_ms),
      lastSeq: String(r.last_seq),
      total: String(r.total),
      finished: Boolean(Number(r.finished)),
      arch: r.arch,
      ...bpfFields(bpf.get(r.run_id)),
      ...retainedSpan(r.started_ms, marks),
    }));
  }

  /** The runs' BPF cost summed by run or by host. */
  private async bpfBy(key: 'run_id' | 'host_id'): Promise<Map<string, BpfCost>> {
    const out = new Map<string, BpfCost>();
    for (const r of await this.repo.bpfByRun()) {
      const c = out.get(r[key]) ?? { ns: 0n, runs: 0n };
      out.set(r[key], { ns: c.ns + BigInt(r.run_time_ns), runs: c.runs + BigInt(r.runs) });
    }
    return out;
  }
}

interface BpfCost {
  ns: bigint;
  runs: bigint;
}

function bpfFields(c: BpfCost | undefined): { bpfRunTimeNs: string; bpfRuns: string } {
  return { bpfRunTimeNs: String(c?.ns ?? 0n), bpfRuns: String(c?.runs ?? 0n) };
}
