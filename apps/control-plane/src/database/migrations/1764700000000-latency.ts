import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * --latency runs: per syscall, calls per log2 bucket (0..63), total time (bucket -1, ns) and calls
 * that never returned (bucket -2); cumulative per run and per interval.
 */
export class Latency1764700000000 implements MigrationInterface {
  name = 'Latency1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`ALTER TABLE "runs" ADD COLUMN "latency" boolean NOT NULL DEFAULT (0)`);
    await q.query(`CREATE TABLE "latency_totals" (
      "run_id" text NOT NULL, "nr" integer NOT NULL, "bucket" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("run_id", "nr", "bucket"))`);
    await q.query(`CREATE TABLE "latency_deltas" (
      "snap_key" integer NOT NULL, "nr" integer NOT NULL, "bucket" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("snap_key", "nr", "bucket")) WITHOUT ROWID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "latency_deltas"`);
    await q.query(`DROP TABLE "latency_totals"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "latency"`);
  }
}
