import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';
import { addRunNewestSnapshotColumn } from './run-newest-snapshot-ddl';

/**
 * `runs.last_hour_ms`: the hour (unix ms, floored) of the run's newest snapshot, 0 while it has
 * none (issue 12, span at fleet scale). A run whose newest snapshot's hour ends before a window
 * starts has nothing in it, so `CountsRepository.span` seeks into `snapshots` only for the runs
 * this index finds, not for every run ever. Hourly rather than exact: ingest raises it (never
 * lowers it) with each batch, and on PostgreSQL an update that leaves an indexed column as it
 * was stays a HOT update: the index gets a new entry once an hour per run, not once a snapshot.
 * Backfilled from the snapshots kept; expiry leaves it (an upper bound stays one).
 */
export class RunLastHour1766800000000 implements MigrationInterface {
  name = 'RunLastHour1766800000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await addRunNewestSnapshotColumn(runner, 'last_hour_ms', 3_600_000);
    await q.query(`CREATE INDEX "idx_runs_last_hour" ON "runs" ("last_hour_ms")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP INDEX "idx_runs_last_hour"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "last_hour_ms"`);
  }
}
