import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * Ten-minute rollups of the host-wide deltas and of the per-process and per-cgroup rows (issue 12):
 * a window's edges that do not fall on whole hours are read from these for their whole ten minutes,
 * leaving under ten minutes of per-snapshot rows at each edge (instead of up to an hour of every
 * host's rows). Keyed like the hourly rollups, with bucket_ms (the start of the ten minutes) for
 * hour_ms; written by ingest in the snapshots' transaction, expired with the raw rows. Backfilled
 * from the stored raw rows.
 */
export class TenMinuteRollups1766200000000 implements MigrationInterface {
  name = 'TenMinuteRollups1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    const bucket = '(s.time_ms / 600000) * 600000';
    await q.query(`CREATE TABLE "ten_minute_counts" (
      "bucket_ms" integer NOT NULL, "host_id" text NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("bucket_ms", "host_id", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "ten_minute_counts" ("bucket_ms", "host_id", "nr", "count")
      SELECT ${bucket}, s.host_id, d.nr, SUM(d.count)
        FROM "deltas" d JOIN "snapshots" s ON s.snap_key = d.snap_key GROUP BY 1, 2, 3`);
    await q.query(`CREATE TABLE "ten_minute_process_counts" (
      "bucket_ms" integer NOT NULL, "host_id" text NOT NULL, "pid" integer NOT NULL, "comm" text NOT NULL,
      "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("bucket_ms", "host_id", "pid", "comm", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "ten_minute_process_counts" ("bucket_ms", "host_id", "pid", "comm", "nr", "count")
      SELECT ${bucket}, s.host_id, p.pid, p.comm, p.nr, SUM(p.count)
        FROM "process_counts" p JOIN "snapshots" s ON s.snap_key = p.snap_key GROUP BY 1, 2, 3, 4, 5`);
    await q.query(`CREATE TABLE "ten_minute_cgroup_counts" (
      "bucket_ms" integer NOT NULL, "host_id" text NOT NULL, "name_key" integer NOT NULL,
      "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("bucket_ms", "host_id", "name_key", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "ten_minute_cgroup_counts" ("bucket_ms", "host_id", "name_key", "nr", "count")
      SELECT ${bucket}, s.host_id, c.name_key, c.nr, SUM(c.count)
        FROM "cgroup_counts" c JOIN "snapshots" s ON s.snap_key = c.snap_key GROUP BY 1, 2, 3, 4`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "ten_minute_cgroup_counts"`);
    await q.query(`DROP TABLE "ten_minute_process_counts"`);
    await q.query(`DROP TABLE "ten_minute_counts"`);
  }
}
