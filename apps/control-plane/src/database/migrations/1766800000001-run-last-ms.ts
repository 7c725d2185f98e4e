import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';
import { addRunNewestSnapshotColumn } from './run-newest-snapshot-ddl';

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
    await addRunNewestSnapshotColumn(runner, 'last_ms');
  }

  async down(runner: QueryRunner): Promise<void> {
    await ddl(runner).query(`ALTER TABLE "runs" DROP COLUMN "last_ms"`);
  }
}
