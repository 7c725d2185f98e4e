import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';

/** The host-wide rollups packed per (time, host): the old table (now a view), its packed table, its time column. */
const PACKED = [
  { rows: 'hourly_counts', packed: 'packed_hourly_counts', time: 'hour_ms' },
  { rows: 'ten_minute_counts', packed: 'packed_ten_minute_counts', time: 'bucket_ms' },
];

/**
 * The host-wide hourly and ten-minute rollups packed into one row per (hour or ten minutes, host)
 * (issue 12, ingest throughput on PostgreSQL): `packed_hourly_counts (hour_ms, host_id, counts)`
 * and `packed_ten_minute_counts (bucket_ms, host_id, counts)`, `counts` the JSON text
 * `{"nr":count,...}` of collection/packed-totals.ts. Ingest reads a batch's rows under its hosts'
 * row locks, adds in JS and writes them back (collection/host-rollups.ts): two row writes per host
 * and batch instead of 120 upserts per snapshot. `hourly_counts` and `ten_minute_counts` become
 * views with the old columns and rows, so every reader keeps working. Backfilled.
 */
export class PackedHostRollups1766700000000 implements MigrationInterface {
  name = 'PackedHostRollups1766700000000';

  async up(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    const pg = runner.connection.options.type === 'postgres';
    for (const t of PACKED) {
      await q.query(`CREATE TABLE "${t.packed}" (
        "${t.time}" integer NOT NULL, "host_id" text NOT NULL, "counts" text NOT NULL,
        PRIMARY KEY ("${t.time}", "host_id")) WITHOUT ROWID`);
      // Rewritten in place every batch (see 1766100000000-counter-fillfactor.ts).
      if (pg) await q.query(`ALTER TABLE "${t.packed}" SET (fillfactor = 50)`);
      const packed = pg
        ? `SELECT ${t.time}, host_id, json_object_agg(nr, count ORDER BY nr)::text FROM "${t.rows}"`
        : `SELECT ${t.time}, host_id, json_group_object(CAST(nr AS TEXT), count)
             FROM (SELECT * FROM "${t.rows}" ORDER BY ${t.time}, host_id, nr)`;
      await q.query(`INSERT INTO "${t.packed}" (${t.time}, host_id, counts) ${packed} GROUP BY ${t.time}, host_id`);
      await q.query(`DROP TABLE "${t.rows}"`);
      await q.query(
        pg
          ? `CREATE VIEW "${t.rows}" AS SELECT p.${t.time}, p.host_id, j.key::bigint AS nr, j.value::bigint AS count
               FROM "${t.packed}" p CROSS JOIN LATERAL json_each_text(p.counts::json) j`
          : `CREATE VIEW "${t.rows}" AS SELECT p.${t.time} AS ${t.time}, p.host_id AS host_id,
               CAST(j.key AS INTEGER) AS nr, j.value AS count FROM "${t.packed}" p, json_each(p.counts) j`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const q = ddl(runner);
    const pg = runner.connection.options.type === 'postgres';
    for (const t of PACKED) {
      await q.query(`CREATE TABLE "${t.rows}_rows" (
        "${t.time}" integer NOT NULL, "host_id" text NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
        PRIMARY KEY ("${t.time}", "host_id", "nr")) WITHOUT ROWID`);
      await q.query(`INSERT INTO "${t.rows}_rows" SELECT ${t.time}, host_id, nr, count FROM "${t.rows}"`);
      await q.query(`DROP VIEW "${t.rows}"`);
      await q.query(`DROP TABLE "${t.packed}"`);
      await q.query(`ALTER TABLE "${t.rows}_rows" RENAME TO "${t.rows}"`);
      if (pg && t.rows === 'hourly_counts') await q.query(`ALTER TABLE "${t.rows}" SET (fillfactor = 50)`);
    }
  }
}
