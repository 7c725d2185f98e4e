import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { ControlPlane, createDatabase, testEngine } from '@syscall-counter/test-support';
import { queries, unary } from './grpc-client';
import { schemaBefore } from './old-schema';

const DAY = 86_400_000;
const T1 = 1_700_000_010_000; // 2023-11-14T22:13:30Z
const T2 = T1 + 2 * 3_600_000; // the next day, 00:13:30Z

/** A database as the schema before retention left it: per-process rows, no rollups of them, no partitions. */
async function writeOldHistory(cp: ControlPlane): Promise<void> {
  const old = await schemaBefore(cp, 'BreakdownRollupsRetention');
  await old.query(`INSERT INTO hosts (host_id, hostname, kernel_release, arch, boot_id, first_seen_ms, last_seen_ms)
    VALUES ('h1', 'h1', '6.1', 'x86_64', 'b', ${T1}, ${T2})`);
  await old.query(`INSERT INTO runs (run_id, host_id, hostname, arch, kernel_release, boot_id, agent_version, map_mode,
      interval_ms, scope, started_ms, last_seen_ms, last_seq, process_top_k)
    VALUES ('r1', 'h1', 'h1', 'x86_64', '6.1', 'b', 'v', 'percpu', 1000, 'all processes',
            ${T1 - 10_000}, ${T2}, 2, 2)`);
  await old.query(`INSERT INTO snapshots (run_id, seq, host_id, time_ms, total)
    VALUES ('r1', 1, 'h1', ${T1}, 15), ('r1', 2, 'h1', ${T2}, 7)`);
  const [k1, k2] = (
    (await old.query('SELECT snap_key FROM snapshots ORDER BY seq')) as Array<{ snap_key: string }>
  ).map((r) => r.snap_key);
  await old.query(`INSERT INTO deltas VALUES (${k1}, 110, 10), (${k1}, 0, 5), (${k2}, 110, 7)`);
  await old.query(`INSERT INTO process_counts (snap_key, pid, nr, comm, count)
    VALUES (${k1}, 42, 110, 'nginx', 10), (${k1}, 0, 0, 'other', 5), (${k2}, 42, 110, 'nginx', 7)`);
  await old.query(`INSERT INTO run_totals VALUES ('r1', 110, 17), ('r1', 0, 5)`);
  await old.destroy();
}

describe('the retention migrations carry stored history forward', () => {
  const cp = new ControlPlane({ SC_RETAIN_RAW: 'off', SC_RETAIN_HOURLY: 'off' });
  afterAll(() => cp.close());

  it('per-process rows get their hourly rollups; on PostgreSQL the raw rows move to day partitions', async () => {
    if (testEngine() === 'postgres') cp.dbUrl = createDatabase();
    await writeOldHistory(cp);
    await cp.start();
    const top = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope: Scope.fromPartial({ sinceUnixMs: String(T1 - (T1 % 3_600_000)), untilUnixMs: String(T2 + 3_000_000) }),
      by: GroupBy.GROUP_BY_PROCESS,
      limit: 0,
    });
    expect(top.rows.map((r) => [r.key, r.label, r.count])).toEqual([
      ['42', 'nginx', '17'],
      ['0', 'other', '5'],
    ]);
    const db = cp.db();
    try {
      expect(
        db.prepare('SELECT hour_ms, pid, nr, count FROM hourly_process_counts ORDER BY hour_ms, pid').all(),
      ).toEqual([
        { hour_ms: T1 - (T1 % 3_600_000), pid: 0, nr: 0, count: 5 },
        { hour_ms: T1 - (T1 % 3_600_000), pid: 42, nr: 110, count: 10 },
        { hour_ms: T2 - (T2 % 3_600_000), pid: 42, nr: 110, count: 7 },
      ]);
      if (testEngine() !== 'postgres') return;
      // Every row kept, re-keyed to its snapshot's day; each day in its own partition.
      expect(
        db.prepare('SELECT COUNT(*) AS n FROM deltas d JOIN snapshots s ON s.snap_key = d.snap_key').get(),
      ).toEqual({ n: 3 });
      expect(
        db.prepare('SELECT COUNT(*) AS n FROM snapshots WHERE snap_key / 4294967296 != time_ms / 86400000').get(),
      ).toEqual({ n: 0 });
      const day = Math.floor(T1 / DAY);
      // (Deltas are packed one row per snapshot since 1766600000000: the day's one snapshot.)
      expect(db.prepare(`SELECT COUNT(*) AS n FROM snapshot_counts_d${day}`).get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT COUNT(*) AS n FROM process_counts_d${day + 1}`).get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM snapshot_counts_default').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
