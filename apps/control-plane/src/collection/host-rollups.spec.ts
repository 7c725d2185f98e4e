import { INestApplicationContext } from '@nestjs/common';
import { Snapshot } from '@syscall-counter/proto';
import { SqlRunner } from '../database/sql-runner';
import { forceFallback } from '../testing/force-fallback';
import { hello, inMemoryApp, snapshot, T0 } from '../testing/in-memory-app';
import { BatchStore } from './batch-store';
import { IngestService } from './ingest.service';
import { unpackTotals } from './packed-totals';

const MIN = 60_000;
const HOUR = 3_600_000;
const BIG = 9_007_199_254_740_993n; // 2^53 + 1: the packed sums must stay exact past doubles

type Counts = Array<[number, bigint]>;

/** Snapshot @seq of @runId at @atMs after T0 with cumulative @counts (bigints: past 2^53). */
const snap = (runId: string, seq: number, atMs: number, counts: Counts): Snapshot =>
  snapshot(runId, seq, atMs, [], { counts: counts.map(([nr, c]) => ({ nr, count: String(c) })) });

/**
 * Per run: its host and its snapshots (in seq order); r1's seq 4 goes backwards and is refused, in a
 * batch with r2's seq 4 (so that on the fallback it is refused in its savepoint, beside a stored one).
 */
const RUNS: Record<string, { host: string; snaps: Array<[number, Counts]> }> = {
  r1: {
    host: 'h1',
    snaps: [
      [
        1 * MIN,
        [
          [0, 10n],
          [39, BIG],
        ],
      ],
      [
        12 * MIN,
        [
          [0, 25n],
          [39, 2n * BIG],
        ],
      ],
      [
        HOUR + 2 * MIN,
        [
          [0, 26n],
          [39, 2n * BIG + 7n],
        ],
      ],
      [
        HOUR + 3 * MIN,
        [
          [0, 20n],
          [39, 2n * BIG + 7n],
        ],
      ],
      [
        2 * HOUR + 45 * MIN,
        [
          [0, 30n],
          [39, 3n * BIG],
        ],
      ],
    ],
  },
  r2: {
    host: 'h2',
    snaps: [
      [1 * MIN, [[39, 5n]]],
      [
        25 * MIN,
        [
          [39, 9n],
          [110, 1n],
        ],
      ],
      [
        HOUR + 2 * MIN,
        [
          [39, BIG],
          [110, 1n],
        ],
      ],
      [
        HOUR + 50 * MIN,
        [
          [39, BIG + 1n],
          [110, 3n],
        ],
      ],
    ],
  },
  r3: {
    host: 'h1',
    snaps: [
      [5 * MIN, [[39, 100n]]],
      [
        HOUR + 15 * MIN,
        [
          [0, 4n],
          [39, 101n],
        ],
      ],
    ],
  },
};

/** Sends every run's seq k at once, round by round (batches mixing hosts and runs); how many were refused. */
async function workload(ingest: IngestService): Promise<number> {
  const runs = await Promise.all(
    Object.entries(RUNS).map(([id, r]) => ingest.hello(hello({ runId: id, hostId: r.host }))),
  );
  let refused = 0;
  for (let k = 0; k < 5; k++) {
    const sent = runs.flatMap((r) => {
      const s = RUNS[r.runId].snaps[k];
      return s ? [ingest.ingest(r, snap(r.runId, k + 1, s[0], s[1]))] : [];
    });
    refused += (await Promise.allSettled(sent)).filter((o) => o.status === 'rejected').length;
  }
  return refused;
}

/** "time host nr" -> count, of the packed rows of a rollup table. */
async function packed(sql: SqlRunner, table: string, time: string): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const r of await sql.all<{ t: bigint; h: string; counts: string }>(
    `SELECT ${time} AS t, host_id AS h, counts FROM ${table}`,
  ))
    for (const [nr, c] of unpackTotals(r.counts)) out.set(`${r.t} ${r.h} ${nr}`, c);
  return out;
}

/** The stored deltas summed in JS (exact) per (bucket of @grainMs, host, nr). */
async function deltaSums(sql: SqlRunner, grainMs: bigint): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const rows = await sql.all<{ t: bigint; h: string; nr: bigint; c: bigint }>(
    'SELECT s.time_ms AS t, s.host_id AS h, d.nr, d.count AS c ' +
      'FROM deltas d JOIN snapshots s ON s.snap_key = d.snap_key',
  );
  for (const r of rows) {
    const k = `${(r.t / grainMs) * grainMs} ${r.h} ${r.nr}`;
    out.set(k, (out.get(k) ?? 0n) + r.c);
  }
  return out;
}

describe('host-wide rollups packed per (time, host): exactly the sums of the stored deltas', () => {
  let apps: INestApplicationContext[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
  });

  async function stored(fallback: boolean) {
    const app = await inMemoryApp();
    apps.push(app);
    // As if every batch found a run moved on: rolled back, stored snapshot by snapshot in savepoints.
    if (fallback) forceFallback(app);
    const refused = await workload(app.get(IngestService));
    const sql = app.get(SqlRunner);
    return {
      refused,
      fallbacks: app.get(BatchStore).fallbacks,
      hourly: await packed(sql, 'packed_hourly_counts', 'hour_ms'),
      tenMinute: await packed(sql, 'packed_ten_minute_counts', 'bucket_ms'),
      hourlyDeltas: await deltaSums(sql, BigInt(HOUR)),
      tenMinuteDeltas: await deltaSums(sql, BigInt(10 * MIN)),
      rows: (await sql.all<{ n: bigint }>('SELECT COUNT(*) AS n FROM packed_hourly_counts'))[0].n,
      tenRows: (await sql.all<{ n: bigint }>('SELECT COUNT(*) AS n FROM packed_ten_minute_counts'))[0].n,
      view: await sql.all<{ count: bigint }>(
        `SELECT count FROM hourly_counts WHERE hour_ms = ${T0} AND host_id = 'h1' AND nr = 39`,
      ),
    };
  }

  it.each([
    ['batched', false],
    ['per-snapshot fallback', true],
  ])(
    '%s path: one row per hour and host, per ten minutes and host; the refused snapshot adds nothing',
    async (_, fb) => {
      const s = await stored(fb);
      expect(s.refused).toBe(1);
      if (fb)
        expect(s.fallbacks).toBe(5); // every round's batch
      else expect(s.fallbacks).toBe(0);
      expect(s.hourly).toEqual(s.hourlyDeltas);
      expect(s.tenMinute).toEqual(s.tenMinuteDeltas);
      expect([s.rows, s.tenRows]).toEqual([5n, 9n]); // h1: 3 hours, 5 ten minutes; h2: 2 hours, 4 ten minutes
      const at = (h: number, host: string, nr: number) => s.hourly.get(`${T0 + h * HOUR} ${host} ${nr}`);
      expect(at(0, 'h1', 39)).toBe(2n * BIG + 100n);
      expect(at(1, 'h1', 0)).toBe(5n); // r1's 1 and r3's 4; not r1's refused seq 4 (backwards)
      expect(at(2, 'h1', 39)).toBe(BIG - 7n);
      expect(at(1, 'h2', 39)).toBe(BIG - 8n);
      expect(s.tenMinute.get(`${T0 + 10 * MIN} h1 39`)).toBe(BIG);
      // The view of the old rows reads the same exact count.
      expect(s.view).toEqual([{ count: 2n * BIG + 100n }]);
    },
  );
});
