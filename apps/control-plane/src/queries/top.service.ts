import { Injectable } from '@nestjs/common';
import type { TopRequest, TopResponse, TopRow } from '@syscall-counter/proto';
import { nrToWire } from '../common/syscall-nr';
import { BreakdownsRepository } from './data/breakdowns.repository';
import { topKeyOf } from './group-by';
import { ScopeChecks } from './scope-checks';
import { Key, sourceOf, windowOf } from './scope-window';
import { LABEL_SEP, TallyService } from './tally.service';

/** Top: calls (or failed calls) over a scope per syscall, host, run, process, container or errno, busiest first. */
@Injectable()
export class TopService {
  constructor(
    private readonly checks: ScopeChecks,
    private readonly tally: TallyService,
    private readonly breakdowns: BreakdownsRepository,
  ) {}

  async top(req: TopRequest): Promise<TopResponse> {
    const key = topKeyOf(req.by);
    await this.checks.check(req.scope);
    const w = windowOf(req.scope, req.syscallNr);
    const source = sourceOf(key, w.filter, req.failed);
    await this.checks.checkDetail(req.scope, source);
    const counts = await this.tally.sum(w, key, source);
    const rows = [...counts.entries()].sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? 1 : -1));
    const total = rows.reduce((s, [, c]) => s + c, 0n);
    const { first, last, arch } = await this.tally.span(req.scope, source, key);
    const limited = req.limit > 0 ? rows.slice(0, req.limit) : rows;
    const breakdown = source === 'processes' || source === 'cgroups' ? source : undefined;
    const unattributed = breakdown ? await this.breakdowns.unattributed(w, breakdown) : 0n;
    return {
      rows: limited.map(([k, c]) => topRow(key, k, c)),
      total: String(total),
      firstUnixMs: String(first),
      lastUnixMs: String(last),
      arch,
      unattributed: String(unattributed),
      expired: await this.tally.expired(w, key, source),
    };
  }
}

function topRow(key: Key, k: number | string, count: bigint): TopRow {
  if (key === 'syscall') return { nr: nrToWire(Number(k)), key: '', count: String(count), label: '' };
  const none = { nr: 0, count: String(count) };
  if (key === 'process' || key === 'container') {
    const [id, label] = String(k).split(LABEL_SEP);
    return { ...none, key: id, label: key === 'container' && id === '' ? 'other' : label };
  }
  return { ...none, key: String(k), label: '' };
}
