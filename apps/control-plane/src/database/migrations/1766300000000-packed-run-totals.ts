import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * A run's totals packed into its `runs` row (issue 12, ingest throughput): `runs.totals` holds the
 * run's cumulative count per syscall as a JSON object `{"nr":count,...}` (collection/packed-totals.ts),
 * written by the update that advances the run, instead of one `run_totals` row per syscall upserted
 * every snapshot. `run_totals` becomes a view over it with the same columns and rows, so whole-run
 * readers and old SQL keep working. Backfilled from the old rows.
 */
export class PackedRunTotals1766300000000 implements MigrationInterface {
  name = 'PackedRunTotals1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    const pg = runner.connection.options.type === 'postgres';
    await q.query(`ALTER TABLE "runs" ADD COLUMN "totals" text`);
    const packed = pg
      ? `SELECT json_object_agg(t.nr, t.count ORDER BY t.nr)::text FROM "run_totals" t`
      : `SELECT json_group_object(CAST(t.nr AS TEXT), t.count) FROM (SELECT nr, count, run_id FROM "run_totals"
           ORDER BY nr) t`;
    await q.query(`UPDATE "runs" SET "totals" = (${packed} WHERE t.run_id = "runs".run_id)
      WHERE EXISTS (SELECT 1 FROM "run_totals" o WHERE o.run_id = "runs".run_id)`);
    await q.query(`DROP TABLE "run_totals"`);
    await q.query(
      pg
        ? `CREATE VIEW "run_totals" AS SELECT r.run_id, j.key::bigint AS nr, j.value::bigint AS count
             FROM "runs" r CROSS JOIN LATERAL json_each_text(r.totals::json) j`
        : `CREATE VIEW "run_totals" AS SELECT r.run_id AS run_id, CAST(j.key AS INTEGER) AS nr, j.value AS count
             FROM "runs" r, json_each(r.totals) j`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "run_totals_rows" (
      "run_id" text NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("run_id", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "run_totals_rows" SELECT run_id, nr, count FROM "run_totals"`);
    await q.query(`DROP VIEW "run_totals"`);
    await q.query(`ALTER TABLE "run_totals_rows" RENAME TO "run_totals"`);
    await q.query(`ALTER TABLE "runs" DROP COLUMN "totals"`);
  }
}
