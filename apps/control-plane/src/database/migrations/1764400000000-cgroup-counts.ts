import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * Per-cgroup mode: each snapshot's busiest cgroups, and what they leave unexplained under the
 * "other" cgroup (name_key 0). Names are stored once: a cgroup path and its container label
 * repeat in every snapshot, and the same unit path on many hosts groups fleet-wide.
 */
export class CgroupCounts1764400000000 implements MigrationInterface {
  name = 'CgroupCounts1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`ALTER TABLE "runs" ADD COLUMN "cgroup_top_k" integer NOT NULL DEFAULT (0)`);
    await q.query(`CREATE TABLE "cgroup_names" (
      "name_key" integer PRIMARY KEY NOT NULL, "path" text NOT NULL, "container" text NOT NULL,
      CONSTRAINT "uq_cgroup_names" UNIQUE ("path", "container"))`);
    await q.query(`INSERT INTO "cgroup_names" ("name_key", "path", "container") VALUES (0, '', 'other')`);
    await q.query(`CREATE TABLE "cgroup_counts" (
      "snap_key" integer NOT NULL, "name_key" integer NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("snap_key", "name_key", "nr")) WITHOUT ROWID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "cgroup_counts"`);
    await q.query(`DROP TABLE "cgroup_names"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "cgroup_top_k"`);
  }
}
