import { INestApplicationContext } from '@nestjs/common';
import { Scope, SeriesRequest, SeriesResponse } from '@syscall-counter/proto';
import { IngestService } from '../collection/ingest.service';
import { nrToWire } from '../common/syscall-nr';
import { SqlRunner } from '../database/sql-runner';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { CountsRepository } from './data/counts.repository';
import { windowOf } from './scope-window';
import { SeriesService } from './series.service';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const STEP = 70 * SEC; // snapshots fall anywhere in the minutes, ten minutes and hours
const NRS = [0, 2, 4, 6, 8, 10, 12];

/**
 * Calls per snapshot of each of NRS: 8 and 10 always alike (a tie in every window, near the top
 * 5's cut); 0 the busiest overall but only every fifth snapshot (zero in many buckets); the rest
 * uneven.
 */
function increments(seq: number, h: number): number[] {
  const uneven = (i: number) => 1 + ((seq * 37 + i * 11 + h * 5) % 23);
  const tie = 10 + ((seq + h) % 3);
  return [seq % 5 === 0 ? 400 : 0, 30 + uneven(1), 20 + uneven(2), uneven(3), tie, tie, uneven(6)];
}

/**
 * Three hosts over about three hours; h1 and h2 restart their agent (two runs each, with a gap),
 * and the hosts' snapshots are offset from each other.
 */
async function storeHistory(ingest: IngestService): Promise<void> {
  const runs: Array<[string, string, number, number]> = [
    ['h1', 'r1a', 0, 75],
    ['h1', 'r1b', 80, 160],
    ['h2', 'r2a', 0, 40],
    ['h2', 'r2b', 41, 150],
    ['h3', 'r3', 0, 155],
  ];
  for (const [hostId, runId, from, to] of runs) {
    const h = Number(hostId.slice(1));
    const started = from * STEP + h * 13 * SEC;
    const counts = NRS.map(() => 0);
    const snaps = [];
    for (let seq = 1; from + seq <= to; seq++) {
      increments(from + seq, h).forEach((d, i) => (counts[i] += d));
      snaps.push(
        snapshot(
          runId,
          seq,
          started + seq * STEP,
          counts.map((c, i): [number, number] => [NRS[i], c]).filter(([, c]) => c > 0),
        ),
      );
    }
    const opened = hello({ hostId, hostname: hostId, runId, runStartedUnixMs: String(T0 + started) });
    await streamRun(ingest, opened, snaps);
  }
}

/** What the grouping of every row answers (the series before its fast path), for a response's buckets. */
async function byGrouping(app: INestApplicationContext, req: SeriesRequest, got: SeriesResponse) {
  const rows = await app
    .get(CountsRepository)
    .seriesRows(windowOf(req.scope), 'deltas', BigInt(got.startUnixMs), BigInt(got.bucketMs));
  const perNr = new Map<number, bigint>();
  const totals = new Array<bigint>(got.buckets).fill(0n);
  for (const r of rows) {
    perNr.set(Number(r.nr), (perNr.get(Number(r.nr)) ?? 0n) + r.c);
    totals[Number(r.b)] += r.c;
  }
  const top = [...perNr.entries()]
    .sort((a, b) => (a[1] === b[1] ? a[0] - b[0] : a[1] < b[1] ? 1 : -1))
    .slice(0, req.top || 5);
  const lines = top.map(([nr]) => {
    const counts = new Array<bigint>(got.buckets).fill(0n);
    for (const r of rows) if (Number(r.nr) === nr) counts[Number(r.b)] += r.c;
    return { nr: nrToWire(nr), counts: counts.map(String) };
  });
  return { lines, totals: totals.map(String), ranked: top.map(([, c]) => c) };
}

const WINDOWS: Array<[string, number, number]> = [
  ['whole history', 0, 0],
  ['hours, ten minutes and raw edges', 7 * MIN + 13 * SEC, 2 * HOUR + 41 * MIN + 7 * SEC],
  ['long edges', 2 * MIN + 5 * SEC, 2 * HOUR + 48 * MIN + 1],
  ['inside ten minutes', HOUR + 61 * SEC, HOUR + 6 * MIN],
  ['cutting runs and their gap', 44 * MIN + 1, HOUR + 37 * MIN + 30 * SEC],
];
const SCOPES: Array<[string, Partial<Scope>]> = [
  ['fleet-wide', {}],
  ['one host', { hostId: 'h2' }],
  ['two hosts', { hostIds: ['h1', 'h3'] }],
];
const BUCKETS = ['0', '7000', '61000', String(HOUR / 2 + SEC)];
const at = (ms: number) => (ms ? String(T0 + ms) : '');

describe('series from the tally and index seeks equals the grouping of every row', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await inMemoryApp();
    await storeHistory(app.get(IngestService));
  });
  afterAll(() => app.close());

  it('stores each snapshot with the sum of its deltas (what the totals read)', async () => {
    const [row] = await app.get(SqlRunner).all<{ n: bigint; off: bigint }>(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN s.total = (SELECT SUM(d.count) FROM deltas d WHERE d.snap_key = s.snap_key)
                                      THEN 0 ELSE 1 END) AS off FROM snapshots s`,
    );
    expect([row.n, row.off]).toEqual([75n + 80n + 40n + 109n + 155n, 0n]);
  });

  for (const [name, since, until] of WINDOWS) {
    it(`${name}: fleet-wide, one host, two hosts; buckets of every width; top 3, 5 and 10`, async () => {
      const lines = jest.spyOn(app.get(CountsRepository), 'seriesLines');
      let zeros = 0;
      let ties = 0;
      for (const [who, s] of SCOPES) {
        for (const bucketMs of BUCKETS) {
          for (const top of [3, 5, 10]) {
            const scope = Scope.fromPartial({ ...s, sinceUnixMs: at(since), untilUnixMs: at(until) });
            const req = SeriesRequest.fromPartial({ scope, bucketMs, top });
            const got = await app.get(SeriesService).series(req);
            const want = await byGrouping(app, req, got);
            const label = { who, bucketMs, top };
            expect({ ...label, lines: got.lines, totals: got.totals }).toEqual({
              ...label,
              ...want,
              ranked: undefined,
            });
            expect(got.expired).toBeUndefined();
            zeros += got.lines.filter((l) => l.counts.includes('0')).length;
            ties += want.ranked.filter((c, i) => i > 0 && c === want.ranked[i - 1]).length;
          }
        }
      }
      // Every request took the fast path, and the cases the spec is about occur.
      expect(lines).toHaveBeenCalledTimes(SCOPES.length * BUCKETS.length * 3);
      expect(zeros).toBeGreaterThan(0);
      expect(ties).toBeGreaterThan(0);
      lines.mockRestore();
    });
  }

  it('one run: whole (its totals rank) or a window of it (grouped), the same answer', async () => {
    const lines = jest.spyOn(app.get(CountsRepository), 'seriesLines');
    for (const window of [{}, { sinceUnixMs: at(50 * MIN), untilUnixMs: at(HOUR + 10 * MIN) }]) {
      const req = SeriesRequest.fromPartial({ scope: Scope.fromPartial({ runId: 'r2b', ...window }), top: 5 });
      const got = await app.get(SeriesService).series(req);
      const want = await byGrouping(app, req, got);
      expect({ lines: got.lines, totals: got.totals }).toEqual({ lines: want.lines, totals: want.totals });
    }
    expect(lines).toHaveBeenCalledTimes(1);
    lines.mockRestore();
  });

  it('a small case by hand: h2 over its first two snapshots, one bucket', async () => {
    // Run r2a's first two snapshots at 70 s + 26 s and 140 s + 26 s after T0.
    const scope = Scope.fromPartial({ hostId: 'h2', sinceUnixMs: at(0), untilUnixMs: at(140 * SEC + 26 * SEC + 1) });
    const got = await app
      .get(SeriesService)
      .series(SeriesRequest.fromPartial({ scope, bucketMs: String(HOUR), top: 2 }));
    const [a, b] = [increments(1, 2), increments(2, 2)];
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    expect(got.totals).toEqual([String(sum(a) + sum(b))]);
    expect(got.lines.map((l) => [l.nr, l.counts])).toEqual([
      [2, [String(a[1] + b[1])]],
      [4, [String(a[2] + b[2])]],
    ]);
  });
});
