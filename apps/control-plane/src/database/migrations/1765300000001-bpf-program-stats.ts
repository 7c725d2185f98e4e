import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * The agent's own cost: each run's BPF programs' kernel run-time statistics (time in them and
 * their runs), cumulative, as of the run's last snapshot. SQLite DDL, rewritten
 * for PostgreSQL by ddl() (engine-ddl.ts) like the other migrations.
 */
export class BpfProgramStats1765300000001 implements MigrationInterface {
  name = 'BpfProgramStats1765300000001';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "bpf_program_totals" (
      "run_id" TEXT NOT NULL, "program" TEXT NOT NULL, "run_time_ns" BIGINT NOT NULL, "run_count" BIGINT NOT NULL,
      PRIMARY KEY ("run_id", "program"))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`DROP TABLE "bpf_program_totals"`);
  }
}
