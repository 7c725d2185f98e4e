import { Injectable } from '@nestjs/common';
import type { Scope } from '@syscall-counter/proto';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../common/domain-errors';
import { HostsRunsRepository } from '../hosts-runs/hosts-runs.repository';
import { agentFlag, hostsOf, Source } from './scope-window';

/** Hosts one scope may name: a repeated --host is typed by hand, not generated. */
const MAX_HOSTS = 1000;

/** What every query checks of its scopes before it reads: named hosts and runs exist, filters fit. */
@Injectable()
export class ScopeChecks {
  constructor(private readonly hostsRuns: HostsRunsRepository) {}

  async check(scope: Scope | undefined): Promise<void> {
    const hosts = hostsOf(scope);
    if (hosts.length > MAX_HOSTS) throw new InvalidArgumentError(`a scope names at most ${MAX_HOSTS} hosts`);
    for (const hostId of hosts)
      if (!(await this.hostsRuns.hostExists(hostId))) throw new NotFoundError(`unknown host '${hostId}'`);
    if (scope?.runId && !(await this.hostsRuns.runExists(scope.runId)))
      throw new NotFoundError(`unknown run '${scope.runId}'`);
    if (scope && ((scope.comm ?? '').length > 15 || (scope.container ?? '').length > 4096))
      throw new InvalidArgumentError('comm is at most 15 bytes and container at most 4096');
  }

  /** A breakdown query over runs none of which carry the breakdown would answer "nothing": say why instead. */
  async checkDetail(scope: Scope | undefined, source: Source): Promise<void> {
    if (source === 'deltas') return;
    const hosts = hostsOf(scope);
    const runId = scope?.runId ?? '';
    for (const hostId of hosts.length ? hosts : [''])
      if (await this.hostsRuns.anyRunCarries(source, hostId, runId)) return;
    const what = runId
      ? `run '${runId}'`
      : hosts.length
        ? `host${hosts.length > 1 ? 's' : ''} ${hosts.map((h) => `'${h}'`).join(', ')}`
        : 'any host';
    throw new FailedPreconditionError(`no run of ${what} was streamed with ${agentFlag(source)}`);
  }
}
