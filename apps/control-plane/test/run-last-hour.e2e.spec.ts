import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { ControlPlane, createDatabase, testEngine } from '@syscall-counter/test-support';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/database.module';
import { queries, unary } from './grpc-client';
import { schemaBefore } from './old-schema';

const HOUR = 3_600_000;
const T1 = 1_700_002_800_000; // a whole hour

/** A database as the schema before runs.last_hour_ms left it: r1 with snapshots over three hours, r2 with none. */
async function writeOldRuns(cp: ControlPlane): Promise<void> {
  const old = await schemaBefore(cp, 'RunLastHour');
  await old.query(`INSERT INTO hosts (host_id, hostname, kernel_release, arch, boot_id, first_seen_ms, last_seen_ms)
    VALUES ('h1', 'h1', '6.1', 'x86_64', 'b', ${T1}, ${T1})`);
  for (const [run, seq] of [
    ['r1', 3],
    ['r2', 0],
  ])
    await old.query(`INSERT INTO runs (run_id, host_id, hostname, arch, kernel_release, boot_id, agent_version,
        map_mode, interval_ms, scope, started_ms, last_seen_ms, last_seq)
      VALUES ('${run}', 'h1', 'h1', 'x86_64', '6.1', 'b', 'v', 'percpu', 1000, 'all processes', ${T1}, ${T1}, ${seq})`);
  const times = [T1 + 10_000, T1 + HOUR + 5_000, T1 + 2 * HOUR + 59 * 60_000];
  for (const [i, t] of times.entries())
    await old.query(
      `INSERT INTO snapshots (run_id, seq, host_id, time_ms, total) VALUES ('r1', ${i + 1}, 'h1', ${t}, 0)`,
    );
  await old.destroy();
}

describe('runs.last_hour_ms and runs.last_ms (migrations 1766800000000, 1766800000001)', () => {
  const cp = new ControlPlane({ SC_RETAIN_RAW: 'off', SC_RETAIN_HOURLY: 'off' });
  afterAll(() => cp.close());

  it("backfills the hour of each run's newest snapshot; span finds the run through it", async () => {
    if (testEngine() === 'postgres') cp.dbUrl = createDatabase();
    await writeOldRuns(cp);
    await cp.start();
    const db = cp.db();
    try {
      expect(db.prepare('SELECT run_id, last_hour_ms FROM runs ORDER BY run_id').all()).toEqual([
        { run_id: 'r1', last_hour_ms: T1 + 2 * HOUR },
        { run_id: 'r2', last_hour_ms: 0 },
      ]);
      expect(db.prepare('SELECT run_id, last_ms FROM runs ORDER BY run_id').all()).toEqual([
        { run_id: 'r1', last_ms: T1 + 2 * HOUR + 59 * 60_000 },
        { run_id: 'r2', last_ms: 0 },
      ]);
    } finally {
      db.close();
    }
    // A window over r1's last snapshot only: its span runs from the snapshot before.
    const top = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope: Scope.fromPartial({ sinceUnixMs: String(T1 + 2 * HOUR + 30 * 60_000) }),
      by: GroupBy.GROUP_BY_SYSCALL,
      limit: 0,
    });
    expect([top.firstUnixMs, top.lastUnixMs]).toEqual([String(T1 + HOUR + 5_000), String(T1 + 2 * HOUR + 59 * 60_000)]);
  });

  it('spans a window over the whole run from its start to its backfilled newest snapshot', async () => {
    const top = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope: Scope.fromPartial({ sinceUnixMs: String(T1 - HOUR) }),
      by: GroupBy.GROUP_BY_SYSCALL,
      limit: 0,
    });
    expect([top.firstUnixMs, top.lastUnixMs]).toEqual([String(T1), String(T1 + 2 * HOUR + 59 * 60_000)]);
  });

  it('reverts: last_ms goes, then last_hour_ms and its index', async () => {
    await cp.stop();
    const ds = new DataSource(
      cp.dbUrl
        ? { type: 'postgres', url: cp.dbUrl, migrations: MIGRATIONS }
        : { type: 'better-sqlite3', database: cp.dbPath, migrations: MIGRATIONS },
    );
    await ds.initialize();
    try {
      const columns = async (): Promise<string[]> =>
        (cp.dbUrl
          ? await ds.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'runs'`)
          : await ds.query(`SELECT name FROM pragma_table_info('runs')`)
        ).map((c: { name: string }) => c.name);
      // The migrations after them first (newest last in MIGRATIONS).
      const after = MIGRATIONS.length - 1 - MIGRATIONS.findIndex((m) => m.name === 'RunLastMs1766800000001');
      for (let i = 0; i < after; i++) await ds.undoLastMigration();
      expect(await columns()).toContain('last_ms');
      await ds.undoLastMigration();
      expect(await columns()).not.toContain('last_ms');
      expect(await columns()).toContain('last_hour_ms');
      await ds.undoLastMigration();
      const cols = await columns();
      expect(cols).not.toContain('last_hour_ms');
      expect(cols).toContain('last_seq');
    } finally {
      await ds.destroy();
    }
  });
});
