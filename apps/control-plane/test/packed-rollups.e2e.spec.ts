import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { ControlPlane, createDatabase, testEngine } from '@syscall-counter/test-support';
import { unpackTotals } from '../src/collection/packed-totals';
import { queries, unary } from './grpc-client';
import { schemaBefore } from './old-schema';

const H0 = 1_699_999_200_000; // a whole hour
const MIN = 60_000;
const BIG = 9_007_199_254_740_993n; // above 2^53: the packed text must stay exact

/** A database as the schema before packed rollups left it: a rollup row per (time, host, syscall). */
async function writeOldRollups(cp: ControlPlane): Promise<void> {
  const old = await schemaBefore(cp, 'PackedHostRollups');
  // Seq 1 in the hour before H0: a window of H0's hour does not hold the host's whole history (whose
  // host totals would answer it), so its whole hours and ten minutes come from the rollups.
  const totals = `'{"0":6,"39":${BIG},"110":17}'`;
  await old.query(`INSERT INTO hosts (host_id, hostname, kernel_release, arch, boot_id, first_seen_ms, last_seen_ms,
      totals, calls) VALUES ('h1', 'h1', '6.1', 'x86_64', 'b', ${H0}, ${H0}, ${totals}, ${BIG + 23n})`);
  await old.query(`INSERT INTO runs (run_id, host_id, hostname, arch, kernel_release, boot_id, agent_version,
      map_mode, interval_ms, scope, started_ms, last_seen_ms, last_seq, totals)
    VALUES ('r1', 'h1', 'h1', 'x86_64', '6.1', 'b', 'v', 'percpu', 1000, 'all processes', ${H0 - 10 * MIN}, ${H0},
      3, ${totals})`);
  await old.query(`INSERT INTO snapshots (run_id, seq, host_id, time_ms, total)
    VALUES ('r1', 1, 'h1', ${H0 - 5 * MIN}, 1), ('r1', 2, 'h1', ${H0 + 5 * MIN}, ${BIG + 5n}),
      ('r1', 3, 'h1', ${H0 + 25 * MIN}, 17)`);
  // The deltas as packed-deltas (1766600000000, before this migration) stores them: a row per snapshot.
  const jsonb = (text: string) => (testEngine() === 'postgres' ? `'${text}'::jsonb` : `jsonb('${text}')`);
  const counts = (seq: number, text: string) => `SELECT snap_key, ${jsonb(text)} FROM snapshots WHERE seq = ${seq}`;
  await old.query(`INSERT INTO snapshot_counts (snap_key, counts) ${counts(1, '{"0":1}')}
    UNION ALL ${counts(2, `{"0":5,"39":${BIG}}`)} UNION ALL ${counts(3, '{"110":17}')}`);
  await old.query(`INSERT INTO hourly_counts VALUES (${H0 - 60 * MIN}, 'h1', 0, 1),
    (${H0}, 'h1', 0, 5), (${H0}, 'h1', 39, ${BIG}), (${H0}, 'h1', 110, 17)`);
  await old.query(`INSERT INTO ten_minute_counts VALUES (${H0 - 10 * MIN}, 'h1', 0, 1),
    (${H0}, 'h1', 0, 5), (${H0}, 'h1', 39, ${BIG}), (${H0 + 20 * MIN}, 'h1', 110, 17)`);
  await old.destroy();
}

describe('host-wide rollups packed per (time, host) (migration 1766700000000)', () => {
  const cp = new ControlPlane({ SC_RETAIN_RAW: 'off', SC_RETAIN_HOURLY: 'off' });
  afterAll(() => cp.close());

  const top = async (since: number, until: number) => {
    const r = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope: Scope.fromPartial({ hostId: 'h1', sinceUnixMs: String(since), untilUnixMs: String(until) }),
      by: GroupBy.GROUP_BY_SYSCALL,
      limit: 0,
    });
    return r.rows.map((x) => [x.nr, x.count]);
  };

  it('backfills one row per hour and host, per ten minutes and host; answers and old rows unchanged', async () => {
    if (testEngine() === 'postgres') cp.dbUrl = createDatabase();
    await writeOldRollups(cp);
    await cp.start();
    // A whole hour (the hourly rollup) and whole ten minutes (the ten-minute rollup), exact past 2^53.
    expect(await top(H0, H0 + 60 * MIN)).toEqual([
      [39, String(BIG)],
      [110, '17'],
      [0, '5'],
    ]);
    expect(await top(H0 + 20 * MIN, H0 + 30 * MIN)).toEqual([[110, '17']]);
    const db = cp.db();
    try {
      const packed = (table: string) => db.prepare(`SELECT host_id, counts FROM ${table}`).all() as unknown[];
      const hourly = packed('packed_hourly_counts WHERE hour_ms = ' + H0) as Array<{ host_id: string; counts: string }>;
      expect(hourly.map((r) => [r.host_id, unpackTotals(r.counts)])).toEqual([
        [
          'h1',
          new Map([
            [0, 5n],
            [39, BIG],
            [110, 17n],
          ]),
        ],
      ]);
      expect(packed('packed_hourly_counts')).toHaveLength(2);
      expect(packed('packed_ten_minute_counts')).toHaveLength(3);
      // The views give the old rows (the big count is checked exactly above: the test's reader is not exact).
      expect(db.prepare('SELECT nr, count FROM ten_minute_counts WHERE nr != 39 ORDER BY nr, count').all()).toEqual([
        { nr: 0, count: 1 },
        { nr: 0, count: 5 },
        { nr: 110, count: 17 },
      ]);
      expect(db.prepare('SELECT host_id, nr FROM hourly_counts ORDER BY nr, hour_ms').all()).toEqual([
        { host_id: 'h1', nr: 0 },
        { host_id: 'h1', nr: 0 },
        { host_id: 'h1', nr: 39 },
        { host_id: 'h1', nr: 110 },
      ]);
    } finally {
      db.close();
    }
  });
});
