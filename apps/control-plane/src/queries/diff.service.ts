import { Injectable } from '@nestjs/common';
import type { DiffRequest, DiffResponse, DiffRow, DiffSide, ExpiredHistory, Scope } from '@syscall-counter/proto';
import { InvalidArgumentError } from '../common/domain-errors';
import { nrToWire } from '../common/syscall-nr';
import { diffKeyOf } from './group-by';
import { ScopeChecks } from './scope-checks';
import { Key, sourceOf, windowOf } from './scope-window';
import { TallyService } from './tally.service';

interface Side {
  side: DiffSide;
  counts: Map<number | string, bigint>;
  expired?: ExpiredHistory;
}

/** Diff: two scopes (runs or windows) side by side, per syscall, process name or container. */
@Injectable()
export class DiffService {
  constructor(
    private readonly checks: ScopeChecks,
    private readonly tally: TallyService,
  ) {}

  async diff(req: DiffRequest): Promise<DiffResponse> {
    const key = diffKeyOf(req.by);
    if (key === 'syscall' && req.syscallNr !== undefined && req.syscallNr !== null)
      throw new InvalidArgumentError('a syscall drill-down goes with a diff by process or container');
    await this.checks.check(req.a);
    await this.checks.check(req.b);
    const a = await this.side(req.a, key, req.syscallNr ?? undefined);
    const b = await this.side(req.b, key, req.syscallNr ?? undefined);
    const row = (k: number | string) => ({
      countA: String(a.counts.get(k) ?? 0n),
      countB: String(b.counts.get(k) ?? 0n),
    });
    const keys = [...new Set([...a.counts.keys(), ...b.counts.keys()])];
    const rows: DiffRow[] =
      key === 'syscall'
        ? keys
            .map(Number)
            .sort((x, y) => x - y)
            .map((nr) => ({ nr: nrToWire(nr), key: '', ...row(nr) }))
        : keys
            .map(String)
            .sort()
            .map((k) => ({ nr: 0, key: k, ...row(k) }));
    return { a: a.side, b: b.side, rows, expired: earlier(a.expired, b.expired) };
  }

  private async side(scope: Scope | undefined, key: Key, nr: number | undefined): Promise<Side> {
    const w = windowOf(scope, nr);
    const source = sourceOf(key, w.filter);
    await this.checks.checkDetail(scope, source);
    const counts = await this.tally.sum(w, key, source);
    const { first, last, arch } = await this.tally.span(scope, source, key);
    const total = [...counts.values()].reduce((s, c) => s + c, 0n);
    const side = { firstUnixMs: String(first), lastUnixMs: String(last), total: String(total), arch };
    return { side, counts, expired: await this.tally.expired(w, key, source) };
  }
}

/** One notice for both sides: a lower bound if either side is one. */
function earlier(a?: ExpiredHistory, b?: ExpiredHistory): ExpiredHistory | undefined {
  if (!a || !b) return a ?? b;
  return { rawKeptFromUnixMs: a.rawKeptFromUnixMs, lowerBound: a.lowerBound || b.lowerBound };
}
