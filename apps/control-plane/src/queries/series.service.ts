import { Injectable } from '@nestjs/common';
import type { SeriesRequest, SeriesResponse } from '@syscall-counter/proto';
import { InvalidArgumentError } from '../common/domain-errors';
import { nrToWire } from '../common/syscall-nr';
import { CountsRepository } from './data/counts.repository';
import { ScopeChecks } from './scope-checks';
import { sourceOf, windowOf } from './scope-window';
import { TallyService } from './tally.service';

const MAX_BUCKETS = 10000;

/** Series: calls per time bucket of the busiest syscalls, and of all of them, over a scope. */
@Injectable()
export class SeriesService {
  constructor(
    private readonly checks: ScopeChecks,
    private readonly tally: TallyService,
    private readonly counts: CountsRepository,
  ) {}

  async series(req: SeriesRequest): Promise<SeriesResponse> {
    await this.checks.check(req.scope);
    const w = windowOf(req.scope);
    const source = sourceOf('syscall', w.filter);
    await this.checks.checkDetail(req.scope, source);
    const { first, last, arch } = await this.tally.span(req.scope, source);
    // Buckets come from the raw rows only: over expired time they are a lower bound.
    const expired = await this.tally.expired(w, undefined, source);
    if (last === 0n)
      return { startUnixMs: String(first), bucketMs: '0', buckets: 0, lines: [], totals: [], arch, expired };
    const width = last - first;
    const bucket = bucketOf(BigInt(req.bucketMs || '0'), width);
    // Bucket i holds the snapshots taken in (start + i*bucket, start + (i+1)*bucket]: the calls of
    // the time before each.
    const buckets = width > 0n ? Number((width - 1n) / bucket) + 1 : 1;
    if (buckets > MAX_BUCKETS) {
      throw new InvalidArgumentError(
        `${buckets} buckets is too many: use a bucket of at least ${width / BigInt(MAX_BUCKETS) + 1n} ms`,
      );
    }
    const rows = await this.counts.seriesRows(w, source, first, bucket);
    const perNr = new Map<number, bigint>();
    const totals = new Array<bigint>(buckets).fill(0n);
    for (const r of rows) {
      perNr.set(Number(r.nr), (perNr.get(Number(r.nr)) ?? 0n) + r.c);
      totals[Number(r.b)] += r.c;
    }
    const top = [...perNr.entries()]
      .sort((a, b) => (a[1] === b[1] ? a[0] - b[0] : a[1] < b[1] ? 1 : -1))
      .slice(0, req.top || 5)
      .map(([nr]) => nr);
    const lines = top.map((nr) => {
      const counts = new Array<bigint>(buckets).fill(0n);
      for (const r of rows) if (Number(r.nr) === nr) counts[Number(r.b)] += r.c;
      return { nr: nrToWire(nr), counts: counts.map(String) };
    });
    return {
      startUnixMs: String(first),
      bucketMs: String(bucket),
      buckets,
      lines,
      totals: totals.map(String),
      arch,
      expired,
    };
  }
}

/** The bucket width asked for, or about 60 buckets over the width (whole seconds); at least 1 s. */
function bucketOf(asked: bigint, width: bigint): bigint {
  const bucket = asked > 0n ? asked : ((width / 60n + 999n) / 1000n) * 1000n || 1000n;
  if (bucket < 1000n) throw new InvalidArgumentError('bucket must be at least 1 s');
  return bucket;
}
