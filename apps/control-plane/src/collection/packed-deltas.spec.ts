import { INestApplicationContext } from '@nestjs/common';
import { Scope, SeriesRequest, Snapshot } from '@syscall-counter/proto';
import { SqlRunner } from '../database/sql-runner';
import { SeriesService } from '../queries/series.service';
import { forceFallback } from '../testing/force-fallback';
import { hello, inMemoryApp, T0 } from '../testing/in-memory-app';
import { BatchStore } from './batch-store';
import { IngestService } from './ingest.service';
import { packDeltas } from './packed-deltas';
import { unpackTotals } from './packed-totals';

const BIG = 9_007_199_254_740_993n; // 2^53 + 1: a JS number would read it as 2^53

/** Cumulative counts per snapshot of a run: nr 0 grows past 2^53 per interval, 39 stops, 110 starts late. */
const CUMULATIVE: Array<Array<[number, bigint]>> = [
  [
    [0, BIG],
    [39, 5n],
  ],
  [
    [0, 2n * BIG + 2n],
    [39, 5n],
    [110, 7n],
  ],
  [
    [0, 3n * BIG],
    [39, 5n],
    [110, 7n],
    [231, 1n],
  ],
  [
    [0, 3n * BIG],
    [39, 5n],
    [110, 7n],
    [231, 1n],
  ],
];

const snap = (runId: string, seq: number, counts: Array<[number, bigint]>) =>
  Snapshot.fromPartial({
    runId,
    seq: String(seq),
    timeUnixMs: String(T0 + seq * 10_000),
    counts: counts.map(([nr, count]) => ({ nr, count: String(count) })),
  });

/** Two runs on two hosts, each sending all its snapshots at once (one batch, or several). */
async function workload(ingest: IngestService): Promise<void> {
  const runs = await Promise.all(
    ['h1', 'h2'].map((h) => ingest.hello(hello({ runId: `r-${h}`, hostId: h, hostname: h }))),
  );
  await Promise.all(runs.flatMap((r) => CUMULATIVE.map((c, i) => ingest.ingest(r, snap(r.runId, i + 1, c)))));
}

/** The deltas each snapshot must hold: its counts less the previous snapshot's, zeros left out. */
function expected(): Array<[number, Map<number, bigint>]> {
  return CUMULATIVE.map((now, i) => {
    const before = new Map(i ? CUMULATIVE[i - 1] : []);
    const d = new Map(now.map(([nr, c]) => [nr, c - (before.get(nr) ?? 0n)]));
    return [i + 1, new Map([...d].filter(([, c]) => c !== 0n))];
  });
}

describe('packed deltas: one snapshot_counts row per snapshot, exact beyond 2^53', () => {
  let apps: INestApplicationContext[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
  });

  /** Each run's packed rows by seq (read as text, unpacked without JSON.parse), and the deltas view's rows. */
  async function stored(sql: SqlRunner) {
    const packed = await sql.all<{ run_id: string; seq: bigint; counts: string }>(
      `SELECT s.run_id, s.seq, ${sql.dialect.packedText('c.counts')} AS counts
         FROM snapshot_counts c JOIN snapshots s ON s.snap_key = c.snap_key ORDER BY s.run_id, s.seq`,
    );
    const view = await sql.all<{ run_id: string; seq: bigint; nr: bigint; count: bigint }>(
      `SELECT s.run_id, s.seq, d.nr, d.count FROM deltas d JOIN snapshots s ON s.snap_key = d.snap_key
        ORDER BY s.run_id, s.seq, d.nr`,
    );
    return { packed, view };
  }

  for (const path of ['batched', 'per-snapshot'] as const) {
    it(`the ${path} path writes each snapshot's deltas packed; the deltas view gives them back`, async () => {
      const app = await inMemoryApp();
      apps.push(app);
      // As in batch-store.spec: every batch as if a run had moved on, so stored snapshot by snapshot.
      if (path === 'per-snapshot') forceFallback(app);
      await workload(app.get(IngestService));
      expect(app.get(BatchStore).fallbacks > 0).toBe(path === 'per-snapshot');
      const { packed, view } = await stored(app.get(SqlRunner));
      const want = expected().filter(([, d]) => d.size > 0); // the last snapshot counted nothing: no row
      expect(packed.map((r) => [r.run_id, Number(r.seq), unpackTotals(r.counts)])).toEqual(
        ['r-h1', 'r-h2'].flatMap((run) => want.map(([seq, d]) => [run, seq, d])),
      );
      expect(view.map((r) => [r.run_id, Number(r.seq), Number(r.nr), r.count])).toEqual(
        ['r-h1', 'r-h2'].flatMap((run) => want.flatMap(([seq, d]) => [...d].map(([nr, c]) => [run, seq, nr, c]))),
      );
      expect(view.find((r) => r.seq === 2n && r.nr === 0n)?.count).toBe(BIG + 2n);
    });
  }

  it('a series reads the packed rows by key, exactly', async () => {
    const app = await inMemoryApp();
    apps.push(app);
    await workload(app.get(IngestService));
    const scope = Scope.fromPartial({ sinceUnixMs: String(T0), untilUnixMs: String(T0 + 40_000) });
    const got = await app.get(SeriesService).series(SeriesRequest.fromPartial({ scope, bucketMs: '10000', top: 3 }));
    expect(got.lines.map((l) => [l.nr, l.counts])).toEqual([
      [0, [String(2n * BIG), String(2n * (BIG + 2n)), String(2n * (BIG - 2n))]],
      [110, ['0', '14', '0']],
      [39, ['10', '0', '0']],
    ]);
    expect(got.totals).toEqual([String(2n * BIG + 10n), String(2n * (BIG + 2n) + 14n), String(2n * (BIG - 1n))]);
  });

  it('packs as the migration and unpackTotals read it', () => {
    expect(packDeltas([])).toBeNull();
    const text = packDeltas([
      [0, BIG, 0n],
      [59, 3n, 0n],
    ]);
    expect(text).toBe(`{"0":${BIG},"59":3}`);
    expect(unpackTotals(text)).toEqual(
      new Map([
        [0, BIG],
        [59, 3n],
      ]),
    );
  });
});
