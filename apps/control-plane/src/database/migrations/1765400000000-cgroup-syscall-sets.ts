import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-cgroup syscall sets (agent -C): every (run, cgroup, syscall) pair seen, whatever the
 * top-K, with the time of the snapshot that first carried it. Portable SQL (SQLite, PostgreSQL).
 */
export class CgroupSyscallSets1765400000000 implements MigrationInterface {
  name = 'CgroupSyscallSets1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "cgroup_syscalls" (
      "run_id" TEXT NOT NULL, "name_key" BIGINT NOT NULL, "nr" INTEGER NOT NULL, "first_ms" BIGINT NOT NULL,
      PRIMARY KEY ("run_id", "name_key", "nr"))`);
    await q.query(`CREATE INDEX "idx_cgroup_syscalls_name" ON "cgroup_syscalls" ("name_key")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cgroup_syscalls"`);
  }
}
