import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * A host's all-runs totals packed into its `hosts` row (issue 12, ingest throughput), as the runs'
 * were (1766300000000): `hosts.totals` (JSON `{"nr":count,...}`) and `hosts.calls` (their sum: the
 * version /metrics caches a host's text by; NULL while the host has no counts), rewritten once per
 * batch by the transaction that holds the host's row lock (collection/batch-store.ts), instead of
 * 60 `host_totals` upserts per snapshot. `host_totals` becomes a view with the old rows. Backfilled.
 */
export class PackedHostTotals1766300000001 implements MigrationInterface {
  name = 'PackedHostTotals1766300000001';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    const pg = runner.connection.options.type === 'postgres';
    await q.query(`ALTER TABLE "hosts" ADD COLUMN "totals" text`);
    await q.query(`ALTER TABLE "hosts" ADD COLUMN "calls" integer`);
    const packed = pg
      ? `SELECT json_object_agg(t.nr, t.count ORDER BY t.nr)::text FROM "host_totals" t`
      : `SELECT json_group_object(CAST(t.nr AS TEXT), t.count) FROM (SELECT nr, count, host_id FROM "host_totals"
           ORDER BY nr) t`;
    await q.query(`UPDATE "hosts" SET "totals" = (${packed} WHERE t.host_id = "hosts".host_id),
        "calls" = (SELECT SUM(c.count) FROM "host_totals" c WHERE c.host_id = "hosts".host_id)
      WHERE EXISTS (SELECT 1 FROM "host_totals" o WHERE o.host_id = "hosts".host_id)`);
    await q.query(`DROP TABLE "host_totals"`);
    await q.query(
      pg
        ? `CREATE VIEW "host_totals" AS SELECT h.host_id, j.key::bigint AS nr, j.value::bigint AS count
             FROM "hosts" h CROSS JOIN LATERAL json_each_text(h.totals::json) j`
        : `CREATE VIEW "host_totals" AS SELECT h.host_id AS host_id, CAST(j.key AS INTEGER) AS nr, j.value AS count
             FROM "hosts" h, json_each(h.totals) j`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    await q.query(`CREATE TABLE "host_totals_rows" (
      "host_id" text NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
      PRIMARY KEY ("host_id", "nr")) WITHOUT ROWID`);
    await q.query(`INSERT INTO "host_totals_rows" SELECT host_id, nr, count FROM "host_totals"`);
    await q.query(`DROP VIEW "host_totals"`);
    await q.query(`ALTER TABLE "host_totals_rows" RENAME TO "host_totals"`);
    await q.query(`ALTER TABLE "hosts" DROP COLUMN "calls"`);
    await q.query(`ALTER TABLE "hosts" DROP COLUMN "totals"`);
  }
}
