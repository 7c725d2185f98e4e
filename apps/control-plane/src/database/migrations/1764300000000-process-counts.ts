import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/** Per-process mode: each snapshot's busiest processes, and what they leave unexplained under pid 0. */
export class ProcessCounts1764300000000 implements MigrationInterface {
  name = 'ProcessCounts1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`ALTER TABLE "runs" ADD COLUMN "process_top_k" integer NOT NULL DEFAULT (0)`);
    await q.query(`CREATE TABLE "process_counts" (
      "snap_key" integer NOT NULL, "pid" integer NOT NULL, "nr" integer NOT NULL,
      "comm" text NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("snap_key", "pid", "nr")) WITHOUT ROWID`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "process_counts"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "process_top_k"`);
  }
}
