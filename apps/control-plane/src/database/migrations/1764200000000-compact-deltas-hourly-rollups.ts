import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * Deltas keyed by a small integer snapshot key instead of repeating the run and host ids
 * in every row and index (11 kB per 60-row snapshot before, under 1.5 kB after), and
 * hourly per-host rollups so queries over long windows read hours, not every interval.
 * Existing history is carried over.
 */
export class CompactDeltasHourlyRollups1764200000000 implements MigrationInterface {
  name = 'CompactDeltasHourlyRollups1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "snapshots_v2" (
      "snap_key" integer PRIMARY KEY, "run_id" text NOT NULL REFERENCES "runs" ("run_id"), "seq" integer NOT NULL,
      "host_id" text NOT NULL, "time_ms" integer NOT NULL, "total" integer NOT NULL)`);
    await q.query(`INSERT INTO "snapshots_v2" ("run_id", "seq", "host_id", "time_ms", "total")
      SELECT s.run_id, s.seq, r.host_id, s.time_ms, s.total FROM "snapshots" s JOIN "runs" r ON r.run_id = s.run_id
       ORDER BY s.time_ms, s.run_id, s.seq`);
    await q.query(`CREATE TABLE "deltas" (
      "snap_key" integer NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("snap_key", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "deltas" ("snap_key", "nr", "count")
      SELECT s.snap_key, ic.nr, ic.count
        FROM "interval_counts" ic JOIN "snapshots_v2" s ON s.run_id = ic.run_id AND s.seq = ic.seq`);
    await q.query(`CREATE TABLE "hourly_counts" (
      "hour_ms" integer NOT NULL, "host_id" text NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("hour_ms", "host_id", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "hourly_counts" ("hour_ms", "host_id", "nr", "count")
      SELECT (time_ms / 3600000) * 3600000, host_id, nr, SUM(count) FROM "interval_counts" GROUP BY 1, 2, 3`);
    await q.query(`DROP TABLE "interval_counts"`);
    await q.query(`DROP TABLE "snapshots"`);
    await q.query(`ALTER TABLE "snapshots_v2" RENAME TO "snapshots"`);
    await q.query(`CREATE UNIQUE INDEX "idx_snapshots_run_seq" ON "snapshots" ("run_id", "seq")`);
    await q.query(`CREATE INDEX "idx_snapshots_run_time" ON "snapshots" ("run_id", "time_ms")`);
    await q.query(`CREATE INDEX "idx_snapshots_time" ON "snapshots" ("time_ms")`);
    await q.query(`CREATE INDEX "idx_snapshots_host_time" ON "snapshots" ("host_id", "time_ms")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "interval_counts" (
      "run_id" text NOT NULL, "seq" integer NOT NULL, "nr" integer NOT NULL,
      "host_id" text NOT NULL, "time_ms" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("run_id", "seq", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "interval_counts" SELECT s.run_id, s.seq, d.nr, s.host_id, s.time_ms, d.count
      FROM "deltas" d JOIN "snapshots" s ON s.snap_key = d.snap_key`);
    await q.query(`CREATE INDEX "idx_ic_host_time" ON "interval_counts" ("host_id", "time_ms")`);
    await q.query(`CREATE INDEX "idx_ic_time" ON "interval_counts" ("time_ms")`);
    await q.query(`CREATE TABLE "snapshots_v1" (
      "run_id" text NOT NULL REFERENCES "runs" ("run_id"), "seq" integer NOT NULL,
      "time_ms" integer NOT NULL, "total" integer NOT NULL, PRIMARY KEY ("run_id", "seq")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "snapshots_v1" SELECT run_id, seq, time_ms, total FROM "snapshots"`);
    await q.query(`DROP TABLE "snapshots"`);
    await q.query(`DROP TABLE "deltas"`);
    await q.query(`DROP TABLE "hourly_counts"`);
    await q.query(`ALTER TABLE "snapshots_v1" RENAME TO "snapshots"`);
    await q.query(`CREATE INDEX "idx_snapshots_time" ON "snapshots" ("time_ms")`);
  }
}
