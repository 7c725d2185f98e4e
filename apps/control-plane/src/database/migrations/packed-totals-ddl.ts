import type { QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/**
 * Packs a totals table (`rows`: one row per owner and syscall) into a `totals` text column of its
 * owner's row (`{"nr":count,...}`, see collection/packed-totals.ts), then puts a view of the same
 * name and rows in its place, so old readers keep working. Used by the packed run and host totals
 * migrations (1766300000000, 1766300000001); @extra runs between the backfill and the drop.
 */
export async function packTotalsInto(
  runner: QueryRunner,
  t: { rows: string; owner: string; key: string },
  extra?: (q: ReturnType<typeof ddl>) => Promise<unknown>,
): Promise<void> {
  const q = ddl(runner);
  const pg = runner.connection.options.type === 'postgres';
  await q.query(`ALTER TABLE "${t.owner}" ADD COLUMN "totals" text`);
  const packed = pg
    ? `SELECT json_object_agg(t.nr, t.count ORDER BY t.nr)::text FROM "${t.rows}" t`
    : `SELECT json_group_object(CAST(t.nr AS TEXT), t.count) FROM (SELECT nr, count, ${t.key} FROM "${t.rows}"
         ORDER BY nr) t`;
  await q.query(`UPDATE "${t.owner}" SET "totals" = (${packed} WHERE t.${t.key} = "${t.owner}".${t.key})
    WHERE EXISTS (SELECT 1 FROM "${t.rows}" o WHERE o.${t.key} = "${t.owner}".${t.key})`);
  await extra?.(q);
  await q.query(`DROP TABLE "${t.rows}"`);
  await q.query(
    pg
      ? `CREATE VIEW "${t.rows}" AS SELECT o.${t.key}, j.key::bigint AS nr, j.value::bigint AS count
           FROM "${t.owner}" o CROSS JOIN LATERAL json_each_text(o.totals::json) j`
      : `CREATE VIEW "${t.rows}" AS SELECT o.${t.key} AS ${t.key}, CAST(j.key AS INTEGER) AS nr, j.value AS count
           FROM "${t.owner}" o, json_each(o.totals) j`,
  );
}

/** The way back: the view's rows into a table again (integer counts, the old schema), view dropped. */
export async function unpackTotalsFrom(runner: QueryRunner, t: { rows: string; key: string }): Promise<void> {
  const q = ddl(runner);
  await q.query(`CREATE TABLE "${t.rows}_rows" (
    "${t.key}" text NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
    PRIMARY KEY ("${t.key}", "nr")) WITHOUT ROWID`);
  await q.query(`INSERT INTO "${t.rows}_rows" SELECT ${t.key}, nr, count FROM "${t.rows}"`);
  await q.query(`DROP VIEW "${t.rows}"`);
  await q.query(`ALTER TABLE "${t.rows}_rows" RENAME TO "${t.rows}"`);
}
