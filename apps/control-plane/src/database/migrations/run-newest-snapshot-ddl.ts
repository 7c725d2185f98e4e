import type { QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * Adds `runs.@column` (0 while a run has no snapshot) and backfills it from the time of each run's
 * newest kept snapshot, floored to a multiple of @floorMs (migrations 1766800000000 and
 * 1766800000001: the hour of it, and the exact time).
 */
export async function addRunNewestSnapshotColumn(runner: QueryRunner, column: string, floorMs = 1): Promise<void> {
  const q = ddl(runner);
  await q.query(`ALTER TABLE "runs" ADD COLUMN "${column}" integer NOT NULL DEFAULT (0)`);
  const newest = `(SELECT MAX(s.time_ms) FROM "snapshots" s WHERE s.run_id = "runs".run_id)`;
  await q.query(`UPDATE "runs"
        SET "${column}" = ${floorMs > 1 ? `${newest} / ${floorMs} * ${floorMs}` : newest}
      WHERE EXISTS (SELECT 1 FROM "snapshots" o WHERE o.run_id = "runs".run_id)`);
}
