import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/** Window queries (top --since, diff of two windows) find the snapshots in a time range across runs. */
export class SnapshotTimeIndex1764100000000 implements MigrationInterface {
  name = 'SnapshotTimeIndex1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE INDEX "idx_snapshots_time" ON "snapshots" ("time_ms")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP INDEX "idx_snapshots_time"`);
  }
}
