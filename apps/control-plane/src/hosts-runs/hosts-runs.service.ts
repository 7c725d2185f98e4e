import { Injectable } from '@nestjs/common';
import type { Host as HostMsg, Run as RunMsg } from '@syscall-counter/proto';
import { NotFoundError } from '../common/domain-errors';
import { HostsRunsRepository } from './hosts-runs.repository';

/** ListHosts and ListRuns: what the control plane has heard from, with the calls each counted. */
@Injectable()
export class HostsRunsService {
  constructor(private readonly repo: HostsRunsRepository) {}

  async listHosts(): Promise<HostMsg[]> {
    return (await this.repo.listHosts()).map((r) => ({
      hostId: r.host_id,
      hostname: r.hostname,
      kernelRelease: r.kernel_release,
      arch: r.arch,
      firstSeenUnixMs: String(r.first_seen_ms),
      lastSeenUnixMs: String(r.last_seen_ms),
      runs: Number(r.runs),
      total: String(r.total),
    }));
  }

  async listRuns(hostId: string): Promise<RunMsg[]> {
    if (hostId && !(await this.repo.hostExists(hostId))) throw new NotFoundError(`unknown host '${hostId}'`);
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
    }));
  }
}
