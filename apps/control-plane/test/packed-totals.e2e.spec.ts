import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { ControlPlane, createDatabase, testEngine } from '@syscall-counter/test-support';
import { queries, unary } from './grpc-client';
import { schemaBefore } from './old-schema';

const T1 = 1_700_000_010_000;
const BIG = 9_007_199_254_740_993n; // above 2^53: the packed text must stay exact

/** A database as the schema before packed run totals left it: one run_totals row per run and syscall. */
async function writeOldTotals(cp: ControlPlane): Promise<void> {
  const old = await schemaBefore(cp, 'PackedRunTotals');
  await old.query(`INSERT INTO hosts (host_id, hostname, kernel_release, arch, boot_id, first_seen_ms, last_seen_ms)
    VALUES ('h1', 'h1', '6.1', 'x86_64', 'b', ${T1}, ${T1})`);
  for (const [run, seq] of [
    ['r1', 2],
    ['r2', 0],
  ])
    await old.query(`INSERT INTO runs (run_id, host_id, hostname, arch, kernel_release, boot_id, agent_version,
        map_mode, interval_ms, scope, started_ms, last_seen_ms, last_seq)
      VALUES ('${run}', 'h1', 'h1', 'x86_64', '6.1', 'b', 'v', 'percpu', 1000, 'all processes', ${T1}, ${T1}, ${seq})`);
  await old.query(`INSERT INTO run_totals VALUES ('r1', 110, 17), ('r1', 0, 5), ('r1', 39, ${BIG})`);
  await old.query(`INSERT INTO hosts (host_id, hostname, kernel_release, arch, boot_id, first_seen_ms, last_seen_ms)
    VALUES ('h2', 'h2', '6.1', 'x86_64', 'b', ${T1}, ${T1})`);
  await old.query(`INSERT INTO host_totals VALUES ('h1', 110, 17), ('h1', 0, 5)`);
  await old.destroy();
}

describe('run and host totals packed into their rows (migrations 1766300000000-1)', () => {
  const cp = new ControlPlane({ SC_RETAIN_RAW: 'off', SC_RETAIN_HOURLY: 'off' });
  afterAll(() => cp.close());

  it('backfills every run from its old rows; run_totals still answers with the same rows', async () => {
    if (testEngine() === 'postgres') cp.dbUrl = createDatabase();
    await writeOldTotals(cp);
    await cp.start();
    const top = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope: Scope.fromPartial({ runId: 'r1' }),
      by: GroupBy.GROUP_BY_SYSCALL,
      limit: 0,
    });
    expect(top.rows.map((r) => [r.nr, r.count])).toEqual([
      [39, String(BIG)],
      [110, '17'],
      [0, '5'],
    ]);
    const db = cp.db();
    try {
      // (The big count is checked exactly through the query above: the test's reader is not exact.)
      expect(db.prepare('SELECT run_id, nr FROM run_totals ORDER BY run_id, nr').all()).toEqual([
        { run_id: 'r1', nr: 0 },
        { run_id: 'r1', nr: 39 },
        { run_id: 'r1', nr: 110 },
      ]);
      expect(db.prepare('SELECT nr, count FROM run_totals WHERE nr != 39 ORDER BY nr').all()).toEqual([
        { nr: 0, count: 5 },
        { nr: 110, count: 17 },
      ]);
      // A run without totals keeps none (NULL), and reads as an empty run.
      expect(db.prepare(`SELECT totals FROM runs WHERE run_id = 'r2'`).get()).toEqual({ totals: null });
      // The hosts' totals (what /metrics serves) and their sum, the scrape cache's version.
      expect(db.prepare('SELECT host_id, nr, count FROM host_totals ORDER BY host_id, nr').all()).toEqual([
        { host_id: 'h1', nr: 0, count: 5 },
        { host_id: 'h1', nr: 110, count: 17 },
      ]);
      expect(db.prepare('SELECT host_id, calls FROM hosts ORDER BY host_id').all()).toEqual([
        { host_id: 'h1', calls: 22 },
        { host_id: 'h2', calls: null },
      ]);
    } finally {
      db.close();
    }
  });
});
