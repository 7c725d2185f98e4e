import { Injectable } from '@nestjs/common';
import type { ExpiredHistory, SeriesRequest, SeriesResponse } from '@syscall-counter/proto';
import { AbortedError, InvalidArgumentError } from '../common/domain-errors';
import { nrToWire } from '../common/syscall-nr';
import { CountsRepository } from './data/counts.repository';
import { ScopeChecks } from './scope-checks';
import { CountSource, sourceOf, Window, windowOf } from './scope-window';
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

  /**
   * The buckets come from raw rows, read after the notice of what expired: an expiry pass moving
   * the raw mark in between may remove rows unannounced. So the notice is read again after them,
   * and if it changed, the series is read once more under it (twice changed: aborted, not low).
   */
  async series(req: SeriesRequest): Promise<SeriesResponse> {
    await this.checks.check(req.scope);
    const w = windowOf(req.scope);
    const source = sourceOf('syscall', w.filter);
    await this.checks.checkDetail(req.scope, source);
    for (let attempt = 1; ; attempt++) {
      const expired = await this.tally.expired(w, undefined, source);
      const answer = await this.seriesUnder(expired, req, w, source);
      const after = await this.tally.expired(w, undefined, source);
      if (after?.rawKeptFromUnixMs === expired?.rawKeptFromUnixMs) return answer;
      if (attempt === 2) throw new AbortedError('history expired while the query read it: ask again');
    }
  }

  /** The series, answered knowing what has expired (@expired). */
  private async seriesUnder(
    expired: ExpiredHistory | undefined,
    req: SeriesRequest,
    w: Window,
    source: CountSource,
  ): Promise<SeriesResponse> {
    const { first, last, arch } = await this.tally.span(req.scope, source);
    // Buckets come from the raw rows only: over expired time they are a lower bound.
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
    // The fast path ranks the syscalls from the rollups (TallyService: whole hours and ten minutes,
    // raw edges) and reads the lines of just the top ones and the totals by index. It answers the
    // host-wide deltas over unexpired time: over expired time the rollups would rank hours whose raw
    // rows (all a series reads) are gone, and the per-process and per-cgroup rows have no
    // per-snapshot total. Those, and a run's window (no rollup is per run), group every row.
    const fast = source === 'deltas' && !expired && !(w.runId && w.bounded);
    const { lines, totals } = fast
      ? await this.fromIndex(w, req.top || 5, first, bucket, buckets)
      : await this.fromRows(w, source, req.top || 5, first, bucket, buckets);
    return {
      startUnixMs: String(first),
      bucketMs: String(bucket),
      buckets,
      lines: lines.map(([nr, counts]) => ({ nr: nrToWire(nr), counts: counts.map(String) })),
      totals: totals.map(String),
      arch,
      expired,
    };
  }

  /** The top @n syscalls' lines and all syscalls' totals by grouping every row of the window. */
  private async fromRows(w: Window, source: CountSource, n: number, first: bigint, bucket: bigint, buckets: number) {
    const rows = await this.counts.seriesRows(w, source, first, bucket);
    const perNr = new Map<number, bigint>();
    const totals = new Array<bigint>(buckets).fill(0n);
    for (const r of rows) {
      perNr.set(Number(r.nr), (perNr.get(Number(r.nr)) ?? 0n) + r.c);
      totals[Number(r.b)] += r.c;
    }
    const top = busiest(perNr, n);
    const lines = new Map(top.map((nr) => [nr, new Array<bigint>(buckets).fill(0n)]));
    for (const r of rows) {
      const counts = lines.get(Number(r.nr));
      if (counts) counts[Number(r.b)] += r.c;
    }
    return { lines: [...lines.entries()], totals };
  }

  /** The same from the tally's ranking, the top syscalls' rows by index seeks and snapshots.total. */
  private async fromIndex(w: Window, n: number, first: bigint, bucket: bigint, buckets: number) {
    const top = busiest((await this.tally.sum(w, 'syscall', 'deltas')) as Map<number, bigint>, n);
    const lines = new Map(top.map((nr) => [nr, new Array<bigint>(buckets).fill(0n)]));
    const totals = new Array<bigint>(buckets).fill(0n);
    for (const r of await this.counts.seriesLines(w, top, first, bucket)) {
      const counts = r.t === 1n ? totals : lines.get(Number(r.nr));
      if (counts) counts[Number(r.b)] += r.c;
    }
    return { lines: [...lines.entries()], totals };
  }
}

/** The @n syscalls with the most calls, most first; ties by nr. */
function busiest(perNr: Map<number, bigint>, n: number): number[] {
  return [...perNr.entries()]
    .sort((a, b) => (a[1] === b[1] ? a[0] - b[0] : a[1] < b[1] ? 1 : -1))
    .slice(0, n)
    .map(([nr]) => nr);
}

/** The bucket width asked for, or about 60 buckets over the width (whole seconds); at least 1 s. */
function bucketOf(asked: bigint, width: bigint): bigint {
  const bucket = asked > 0n ? asked : ((width / 60n + 999n) / 1000n) * 1000n || 1000n;
  if (bucket < 1000n) throw new InvalidArgumentError('bucket must be at least 1 s');
  return bucket;
}
