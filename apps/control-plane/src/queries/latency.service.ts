import { Injectable } from '@nestjs/common';
import type { LatencyRequest, LatencyResponse } from '@syscall-counter/proto';
import { nrToWire } from '../common/syscall-nr';
import { LatencyRepository, TOTAL_NS_BUCKET, UNRETURNED_BUCKET } from './data/latency.repository';
import { ScopeChecks } from './scope-checks';
import { windowOf } from './scope-window';
import { TallyService } from './tally.service';

interface Histogram {
  totalNs: bigint;
  unreturned: bigint;
  buckets: bigint[];
}

/** Latency: per syscall, calls per log2 bucket, total time and unreturned calls, summed over a scope. */
@Injectable()
export class LatencyService {
  constructor(
    private readonly checks: ScopeChecks,
    private readonly tally: TallyService,
    private readonly latencyRows: LatencyRepository,
  ) {}

  async latency(req: LatencyRequest): Promise<LatencyResponse> {
    await this.checks.check(req.scope);
    await this.checks.checkDetail(req.scope, 'latency');
    const bySyscall = new Map<number, Histogram>();
    const w = windowOf(req.scope, req.syscallNr);
    for (const r of await this.latencyRows.histogramRows(w)) {
      const nr = Number(r.nr);
      const h = bySyscall.get(nr) ?? { totalNs: 0n, unreturned: 0n, buckets: new Array<bigint>(64).fill(0n) };
      bySyscall.set(nr, h);
      const b = Number(r.bucket);
      if (b === TOTAL_NS_BUCKET) h.totalNs += r.c;
      else if (b === UNRETURNED_BUCKET) h.unreturned += r.c;
      else h.buckets[b] += r.c;
    }
    const { first, last, arch } = await this.tally.span(req.scope, 'latency');
    return {
      rows: [...bySyscall.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([nr, h]) => ({
          nr: nrToWire(nr),
          totalNs: String(h.totalNs),
          unreturned: String(h.unreturned),
          buckets: h.buckets.map(String),
        })),
      firstUnixMs: String(first),
      lastUnixMs: String(last),
      arch,
      expired: await this.tally.expired(w, undefined, 'latency'),
    };
  }
}
