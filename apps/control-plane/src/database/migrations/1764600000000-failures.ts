import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/** --errors runs: failed calls per syscall (errno_code 0) and per errno, cumulative per run and per interval. */
export class Failures1764600000000 implements MigrationInterface {
  name = 'Failures1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`ALTER TABLE "runs" ADD COLUMN "errors" boolean NOT NULL DEFAULT (0)`);
    await q.query(`CREATE TABLE "failure_totals" (
      "run_id" text NOT NULL, "nr" integer NOT NULL, "errno_code" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("run_id", "nr", "errno_code"))`);
    await q.query(`CREATE TABLE "failure_deltas" (
      "snap_key" integer NOT NULL, "nr" integer NOT NULL, "errno_code" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("snap_key", "nr", "errno_code")) WITHOUT ROWID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "failure_deltas"`);
    await q.query(`DROP TABLE "failure_totals"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "errors"`);
  }
}
