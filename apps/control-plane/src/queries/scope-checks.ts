import { Injectable } from '@nestjs/common';
import type { Scope } from '@syscall-counter/proto';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../common/domain-errors';
import { HostsRunsRepository } from '../hosts-runs/hosts-runs.repository';
import { agentFlag, Source } from './scope-window';

/** What every query checks of its scopes before it reads: named hosts and runs exist, filters fit. */
@Injectable()
export class ScopeChecks {
  constructor(private readonly hostsRuns: HostsRunsRepository) {}

  async check(scope: Scope | undefined): Promise<void> {
    if (scope?.hostId && !(await this.hostsRuns.hostExists(scope.hostId)))
      throw new NotFoundError(`unknown host '${scope.hostId}'`);
    if (scope?.runId && !(await this.hostsRuns.runExists(scope.runId)))
      throw new NotFoundError(`unknown run '${scope.runId}'`);
    if (scope && ((scope.comm ?? '').length > 15 || (scope.container ?? '').length > 4096))
      throw new InvalidArgumentError('comm is at most 15 bytes and container at most 4096');
  }

  /** A breakdown query over runs none of which carry the breakdown would answer "nothing": say why instead. */
  async checkDetail(scope: Scope | undefined, source: Source): Promise<void> {
    if (source === 'deltas') return;
    const hostId = scope?.hostId ?? '';
    const runId = scope?.runId ?? '';
    if (await this.hostsRuns.anyRunCarries(source, hostId, runId)) return;
    const what = runId ? `run '${runId}'` : hostId ? `host '${hostId}'` : 'any host';
    throw new FailedPreconditionError(`no run of ${what} was streamed with ${agentFlag(source)}`);
  }
}
