import { GroupBy, Scope, SeriesResponse, TopResponse } from '@syscall-counter/proto';
import { ControlPlane, createDatabase, testEngine } from '@syscall-counter/test-support';
import { DataSource } from 'typeorm';
import { PackedDeltas1766600000000 } from '../src/database/migrations/1766600000000-packed-deltas';
import { queries, unary } from './grpc-client';
import { schemaBefore } from './old-schema';

const DAY = 86_400_000;
const T1 = 1_700_000_010_000; // 2023-11-14T22:13:30Z
const T2 = T1 + 2 * 3_600_000; // the next day
const BIG = 9_007_199_254_740_993n; // above 2^53: the packed rows must stay exact

/** A database as the schema before packed deltas left it: a deltas row per snapshot and syscall. */
async function writeOldDeltas(cp: ControlPlane): Promise<void> {
  const old = await schemaBefore(cp, 'PackedDeltas');
  await old.query(`INSERT INTO hosts (host_id, hostname, kernel_release, arch, boot_id, first_seen_ms, last_seen_ms)
    VALUES ('h1', 'h1', '6.1', 'x86_64', 'b', ${T1}, ${T2})`);
  await old.query(`INSERT INTO runs (run_id, host_id, hostname, arch, kernel_release, boot_id, agent_version,
      map_mode, interval_ms, scope, started_ms, last_seen_ms, last_seq, totals)
    VALUES ('r1', 'h1', 'h1', 'x86_64', '6.1', 'b', 'v', 'percpu', 1000, 'all processes', ${T1 - 10_000}, ${T2}, 3,
            '{"0":${BIG + 5n},"110":24}')`);
  await old.query(`INSERT INTO snapshots (run_id, seq, host_id, time_ms, total)
    VALUES ('r1', 1, 'h1', ${T1}, 15), ('r1', 2, 'h1', ${T1 + 20_000}, ${BIG + 7n}), ('r1', 3, 'h1', ${T2}, 7)`);
  const [k1, k2, k3] = (
    (await old.query('SELECT snap_key FROM snapshots ORDER BY seq')) as Array<{ snap_key: string }>
  ).map((r) => r.snap_key);
  await old.query(`INSERT INTO deltas (snap_key, nr, count)
    VALUES (${k1}, 110, 10), (${k1}, 0, 5), (${k2}, 0, ${BIG}), (${k2}, 110, 7), (${k3}, 110, 7)`);
  await old.destroy();
}

describe('raw deltas packed into one row per snapshot (migration 1766600000000)', () => {
  const cp = new ControlPlane({ SC_RETAIN_RAW: 'off', SC_RETAIN_HOURLY: 'off' });
  afterAll(() => cp.close());

  it('backfills every snapshot from its old rows; queries and the deltas view answer as before', async () => {
    if (testEngine() === 'postgres') cp.dbUrl = createDatabase();
    await writeOldDeltas(cp);
    await cp.start();
    // Inside one hour: answered from the raw rows (through the view), and a series by key lookups.
    const scope = Scope.fromPartial({ sinceUnixMs: String(T1 - 5_000), untilUnixMs: String(T1 + 25_000) });
    const top = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope,
      by: GroupBy.GROUP_BY_SYSCALL,
      limit: 0,
    });
    expect(top.rows.map((r) => [r.nr, r.count])).toEqual([
      [0, String(BIG + 5n)],
      [110, '17'],
    ]);
    const series = await unary<unknown, SeriesResponse>(queries(cp), 'series', { scope, bucketMs: '15000', top: 5 });
    expect([series.totals, series.lines.map((l) => [l.nr, l.counts])]).toEqual([
      ['15', String(BIG + 7n)],
      [
        [0, ['5', String(BIG)]],
        [110, ['10', '7']],
      ],
    ]);
    const db = cp.db();
    try {
      // (The big count is checked exactly through the queries above: the test's reader is not exact.)
      expect(
        db
          .prepare('SELECT s.seq, d.nr, d.count FROM deltas d JOIN snapshots s USING (snap_key) WHERE d.count < 100')
          .all(),
      ).toEqual([
        { seq: 1, nr: 0, count: 5 },
        { seq: 1, nr: 110, count: 10 },
        { seq: 2, nr: 110, count: 7 },
        { seq: 3, nr: 110, count: 7 },
      ]);
      expect(db.prepare('SELECT COUNT(*) AS n FROM snapshot_counts').get()).toEqual({ n: 3 });
      if (testEngine() !== 'postgres') return;
      // Each day's packed rows in its own partition, as the other raw tables.
      const day = Math.floor(T1 / DAY);
      expect(db.prepare(`SELECT COUNT(*) AS n FROM snapshot_counts_d${day}`).get()).toEqual({ n: 2 });
      expect(db.prepare(`SELECT COUNT(*) AS n FROM snapshot_counts_d${day + 1}`).get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM snapshot_counts_default').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('down gives the deltas rows back as a table', async () => {
    await cp.stop();
    const ds = new DataSource(
      cp.dbUrl ? { type: 'postgres', url: cp.dbUrl } : { type: 'better-sqlite3', database: cp.dbPath },
    );
    await ds.initialize();
    try {
      // This migration's own down (later migrations, which do not touch these tables, stay).
      await new PackedDeltas1766600000000().down(ds.createQueryRunner());
      const rows = (await ds.query(
        `SELECT s.seq, d.nr, CAST(d.count AS TEXT) AS count FROM deltas d JOIN snapshots s ON s.snap_key = d.snap_key
          ORDER BY s.seq, d.nr`,
      )) as Array<{ seq: unknown; nr: unknown; count: string }>;
      expect(rows.map((r) => [Number(r.seq), Number(r.nr), r.count])).toEqual([
        [1, 0, '5'],
        [1, 110, '10'],
        [2, 0, String(BIG)],
        [2, 110, '7'],
        [3, 110, '7'],
      ]);
      const table = cp.dbUrl
        ? `SELECT COUNT(*) AS n FROM pg_tables
            WHERE tablename IN ('snapshot_counts', 'deltas_d${Math.floor(T1 / DAY)}')`
        : `SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'snapshot_counts'`;
      expect((await ds.query(table)).map((r: { n: unknown }) => Number(r.n))).toEqual([cp.dbUrl ? 1 : 0]);
    } finally {
      await ds.destroy();
    }
  });
});
