import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "hosts" (
      "host_id" text PRIMARY KEY NOT NULL, "hostname" text NOT NULL, "kernel_release" text NOT NULL,
      "arch" text NOT NULL, "boot_id" text NOT NULL,
      "first_seen_ms" integer NOT NULL, "last_seen_ms" integer NOT NULL)`);
    await q.query(`CREATE TABLE "runs" (
      "run_id" text PRIMARY KEY NOT NULL, "host_id" text NOT NULL REFERENCES "hosts" ("host_id"),
      "hostname" text NOT NULL, "arch" text NOT NULL, "kernel_release" text NOT NULL, "boot_id" text NOT NULL,
      "agent_version" text NOT NULL, "map_mode" text NOT NULL, "interval_ms" integer NOT NULL,
      "scope" text NOT NULL, "started_ms" integer NOT NULL, "last_seen_ms" integer NOT NULL,
      "last_seq" integer NOT NULL DEFAULT (0), "finished" boolean NOT NULL DEFAULT (0))`);
    await q.query(`CREATE INDEX "idx_runs_host" ON "runs" ("host_id")`);
    await q.query(`CREATE TABLE "snapshots" (
      "run_id" text NOT NULL REFERENCES "runs" ("run_id"), "seq" integer NOT NULL,
      "time_ms" integer NOT NULL, "total" integer NOT NULL,
      PRIMARY KEY ("run_id", "seq")) WITHOUT ROWID`);
    await q.query(`CREATE TABLE "interval_counts" (
      "run_id" text NOT NULL, "seq" integer NOT NULL, "nr" integer NOT NULL,
      "host_id" text NOT NULL, "time_ms" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("run_id", "seq", "nr")) WITHOUT ROWID`);
    await q.query(`CREATE INDEX "idx_ic_host_time" ON "interval_counts" ("host_id", "time_ms")`);
    await q.query(`CREATE INDEX "idx_ic_time" ON "interval_counts" ("time_ms")`);
    await q.query(`CREATE TABLE "run_totals" (
      "run_id" text NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("run_id", "nr")) WITHOUT ROWID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    for (const t of ['run_totals', 'interval_counts', 'snapshots', 'runs', 'hosts']) {
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
