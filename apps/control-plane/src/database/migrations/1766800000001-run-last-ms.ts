import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * `runs.last_ms`: the exact time (unix ms) of the run's newest snapshot, 0 while it has none
 * (issue 12, the span of a window over whole runs). A run whose snapshots all lie inside a window
 * spans from its start to this time, so `CountsRepository.span` answers it from the runs row
 * without seeking into `snapshots`. Not indexed: ingest raises it with every batch, and on
 * PostgreSQL an update that changes no indexed column stays HOT. Backfilled from the snapshots kept.
 */
export class RunLastMs1766800000001 implements MigrationInterface {
  name = 'RunLastMs1766800000001';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`ALTER TABLE "runs" ADD COLUMN "last_ms" integer NOT NULL DEFAULT (0)`);
    await q.query(`UPDATE "runs"
        SET "last_ms" = (SELECT MAX(s.time_ms) FROM "snapshots" s WHERE s.run_id = "runs".run_id)
      WHERE EXISTS (SELECT 1 FROM "snapshots" o WHERE o.run_id = "runs".run_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await ddl(runner).query(`ALTER TABLE "runs" DROP COLUMN "last_ms"`);
  }
}
