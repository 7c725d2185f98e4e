import { GroupBy, Scope, SeriesResponse, TopResponse } from '@syscall-counter/proto';
import { DataSource } from 'typeorm';
import { InitialSchema1764000000000 } from '../src/database/migrations/1764000000000-initial-schema';
import { SnapshotTimeIndex1764100000000 } from '../src/database/migrations/1764100000000-snapshot-time-index';
import { ControlPlane } from '@syscall-counter/test-support';
import { queries, unary } from './grpc-client';

describe('migrations carry stored history forward', () => {
  const cp = new ControlPlane();

  afterAll(async () => {
    await cp.stop();
    cp.cleanup();
  });

  it(
    'a database written by the first schema ' + 'answers the same queries after the control plane migrates it',
    async () => {
      // A history file as the first release wrote it: deltas keyed by (run, seq, nr).
      const old = new DataSource({
        type: 'better-sqlite3',
        database: cp.dbPath,
        migrations: [InitialSchema1764000000000, SnapshotTimeIndex1764100000000],
      });
      await old.initialize();
      await old.runMigrations();
      await old.query(`INSERT INTO hosts VALUES ('h1', 'h1', '6.1', 'x86_64', 'b', 1000, 9000)`);
      await old.query(
        `INSERT INTO runs VALUES
         ('r1', 'h1', 'h1', 'x86_64', '6.1', 'b', 'v', 'percpu', 1000, 'all processes', 1000, 9000, 2, 1)`,
      );
      await old.query(`INSERT INTO snapshots VALUES ('r1', 1, 2000, 15), ('r1', 2, 3600002000, 7)`);
      await old.query(
        `INSERT INTO interval_counts VALUES
         ('r1', 1, 110, 'h1', 2000, 10), ('r1', 1, 0, 'h1', 2000, 5), ('r1', 2, 110, 'h1', 3600002000, 7)`,
      );
      await old.query(`INSERT INTO run_totals VALUES ('r1', 110, 17), ('r1', 0, 5)`);
      await old.destroy();

      await cp.start();
      const top = await unary<unknown, TopResponse>(queries(cp), 'top', {
        scope: Scope.fromPartial({ hostId: 'h1', sinceUnixMs: '1' }),
        by: GroupBy.GROUP_BY_SYSCALL,
        limit: 0,
      });
      expect(top.rows.map((r) => [r.nr, r.count])).toEqual([
        [110, '17'],
        [0, '5'],
      ]);
      expect([top.firstUnixMs, top.lastUnixMs]).toEqual(['1000', '3600002000']);
      // series reads each snapshot's total as the first schema wrote it (the sum of its deltas).
      const series = await unary<unknown, SeriesResponse>(queries(cp), 'series', {
        scope: Scope.fromPartial({ hostId: 'h1', sinceUnixMs: '1' }),
        bucketMs: '1800000000',
        top: 5,
      });
      expect([series.buckets, series.totals, series.lines.map((l) => [l.nr, l.counts])]).toEqual([
        3,
        ['15', '0', '7'],
        [
          [110, ['10', '0', '7']],
          [0, ['5', '0', '0']],
        ],
      ]);
      const db = cp.db();
      expect(db.prepare('SELECT hour_ms, nr, count FROM hourly_counts ORDER BY hour_ms, nr').all()).toEqual([
        { hour_ms: 0, nr: 0, count: 5 },
        { hour_ms: 0, nr: 110, count: 10 },
        { hour_ms: 3600000000, nr: 110, count: 7 },
      ]);
      expect(db.prepare('SELECT name FROM sqlite_master WHERE name = ?').get('interval_counts')).toBeUndefined();
      db.close();
    },
  );
});
