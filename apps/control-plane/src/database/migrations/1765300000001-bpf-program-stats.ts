import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agent's own cost: each run's BPF programs' kernel run-time statistics (time in them and
 * their runs), cumulative, as of the run's last snapshot. Plain SQL that SQLite and PostgreSQL share.
 */
export class BpfProgramStats1765300000001 implements MigrationInterface {
  name = 'BpfProgramStats1765300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "bpf_program_totals" (
      "run_id" TEXT NOT NULL, "program" TEXT NOT NULL, "run_time_ns" BIGINT NOT NULL, "run_count" BIGINT NOT NULL,
      PRIMARY KEY ("run_id", "program"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "bpf_program_totals"`);
  }
}
