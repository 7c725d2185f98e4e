import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * /metrics: each host's cumulative count per syscall, and per cgroup and syscall, over all its
 * runs, kept in step by ingest, so a scrape reads one row per series instead of summing every
 * run or snapshot. Backfilled from the runs' totals and the stored cgroup rows. SQLite DDL,
 * rewritten for PostgreSQL by ddl() (engine-ddl.ts) like the other migrations.
 */
export class MetricsTotals1765300000000 implements MigrationInterface {
  name = 'MetricsTotals1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "host_totals" (
      "host_id" TEXT NOT NULL, "nr" integer NOT NULL, "count" BIGINT NOT NULL,
      PRIMARY KEY ("host_id", "nr"))`);
    await q.query(`INSERT INTO "host_totals" ("host_id", "nr", "count")
      SELECT r.host_id, t.nr, SUM(t.count) FROM "run_totals" t JOIN "runs" r ON r.run_id = t.run_id
       GROUP BY r.host_id, t.nr`);
    await q.query(`CREATE TABLE "host_cgroup_totals" (
      "host_id" TEXT NOT NULL, "name_key" BIGINT NOT NULL, "nr" integer NOT NULL, "count" BIGINT NOT NULL,
      PRIMARY KEY ("host_id", "name_key", "nr"))`);
    await q.query(`INSERT INTO "host_cgroup_totals" ("host_id", "name_key", "nr", "count")
      SELECT s.host_id, c.name_key, c.nr, SUM(c.count)
        FROM "cgroup_counts" c JOIN "snapshots" s ON s.snap_key = c.snap_key
       GROUP BY s.host_id, c.name_key, c.nr`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "host_cgroup_totals"`);
    await q.query(`DROP TABLE "host_totals"`);
  }
}
