import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/** Calls an agent could not attribute to a process or cgroup: cumulative per run, the interval's per snapshot. */
export class Unattributed1764500000000 implements MigrationInterface {
  name = 'Unattributed1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`ALTER TABLE "runs" ADD COLUMN "unattributed" integer NOT NULL DEFAULT (0)`);
    await q.query(`ALTER TABLE "snapshots" ADD COLUMN "unattributed" integer NOT NULL DEFAULT (0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`ALTER TABLE "snapshots" DROP COLUMN "unattributed"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "unattributed"`);
  }
}
