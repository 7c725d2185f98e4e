import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * Retention (issue 12): hourly rollups of the per-process and per-cgroup rows, so fleet-wide
 * `top --by process|container` over whole hours reads hours instead of every snapshot and still
 * answers once the raw rows have expired; and the marks of what expiry removed (raw rows and
 * hourly rollups before a time), which queries read to say so. The host id leads after the hour
 * in both keys, as in hourly_counts. Backfilled from the stored breakdown rows.
 */
export class BreakdownRollupsRetention1765600000000 implements MigrationInterface {
  name = 'BreakdownRollupsRetention1765600000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "hourly_process_counts" (
      "hour_ms" integer NOT NULL, "host_id" text NOT NULL, "pid" integer NOT NULL, "comm" text NOT NULL,
      "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("hour_ms", "host_id", "pid", "comm", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "hourly_process_counts" ("hour_ms", "host_id", "pid", "comm", "nr", "count")
      SELECT (s.time_ms / 3600000) * 3600000, s.host_id, p.pid, p.comm, p.nr, SUM(p.count)
        FROM "process_counts" p JOIN "snapshots" s ON s.snap_key = p.snap_key GROUP BY 1, 2, 3, 4, 5`);
    await q.query(`CREATE TABLE "hourly_cgroup_counts" (
      "hour_ms" integer NOT NULL, "host_id" text NOT NULL, "name_key" integer NOT NULL,
      "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("hour_ms", "host_id", "name_key", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "hourly_cgroup_counts" ("hour_ms", "host_id", "name_key", "nr", "count")
      SELECT (s.time_ms / 3600000) * 3600000, s.host_id, c.name_key, c.nr, SUM(c.count)
        FROM "cgroup_counts" c JOIN "snapshots" s ON s.snap_key = c.snap_key GROUP BY 1, 2, 3, 4`);
    await q.query(`CREATE TABLE "retention_marks" (
      "kind" text PRIMARY KEY NOT NULL, "before_ms" integer NOT NULL)`);
    await q.query(`INSERT INTO "retention_marks" ("kind", "before_ms") VALUES ('raw', 0), ('hourly', 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "retention_marks"`);
    await q.query(`DROP TABLE "hourly_cgroup_counts"`);
    await q.query(`DROP TABLE "hourly_process_counts"`);
  }
}
