import { MigrationInterface, QueryRunner } from 'typeorm';
import { createDayPartition, DAY_MS, PARTITIONED } from './1765600000001-raw-day-partitions';

/**
 * A snapshot's host-wide deltas, one row per snapshot: `{"nr":count,...}` (collection/packed-totals.ts),
 * stored as JSONB on both engines: a series reads a few syscalls of thousands of snapshots by key
 * (`counts ->> '59'`, `json_extract(counts, '$."59"')`) without parsing text each time (SQLite 20 ms
 * instead of 40 for 7,200 snapshots of 60 syscalls). Its numbers stay exact (PostgreSQL: numeric;
 * SQLite: the digits). Readers select it as text (SqlDialect.packedText), never as json the pg driver
 * would parse into JS numbers.
 */
export const SNAPSHOT_COUNTS: [string, string, string] = [
  'snapshot_counts',
  '"snap_key" bigint NOT NULL, "counts" jsonb NOT NULL',
  'snap_key',
];

/** The per-snapshot tables partitioned by day on PostgreSQL now (deltas is a view of snapshot_counts). */
export const RAW_PARTITIONED = [...PARTITIONED.filter(([t]) => t !== 'deltas'), SNAPSHOT_COUNTS];

/**
 * Packed raw deltas (issue 12, ingest on PostgreSQL): a snapshot of 60 syscalls wrote 60 `deltas`
 * rows (60 index entries, 60 tuple headers); it now writes one `snapshot_counts` row. A table of
 * its own rather than a column of `snapshots`: it stays day-partitioned on PostgreSQL like the other
 * raw tables (expiry drops a day at once; snapshots is whole and deletes its rows), and snapshots
 * rows, which span and series scan by time, stay narrow. `deltas` becomes a view with the old
 * columns and rows, so every old reader, expiry's row deletes aside, keeps working. Backfilled.
 */
export class PackedDeltas1766600000000 implements MigrationInterface {
  name = 'PackedDeltas1766600000000';

  async up(q: QueryRunner): Promise<void> {
    const pg = q.connection.options.type === 'postgres';
    if (pg) {
      const [table, columns, key] = SNAPSHOT_COUNTS;
      await q.query(`CREATE TABLE "${table}" (${columns}, PRIMARY KEY (${key})) PARTITION BY RANGE ("snap_key")`);
      await q.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
      for (const day of await storedDays(q)) await q.query(createDayPartition(table, day));
      await q.query(`INSERT INTO "snapshot_counts" (snap_key, counts)
        SELECT snap_key, jsonb_object_agg(nr::text, count) FROM "deltas" GROUP BY snap_key`);
    } else {
      await q.query(`CREATE TABLE "snapshot_counts" ("snap_key" integer PRIMARY KEY, "counts" blob NOT NULL)`);
      await q.query(`INSERT INTO "snapshot_counts" (snap_key, counts)
        SELECT snap_key, jsonb_group_object(CAST(nr AS TEXT), count)
          FROM (SELECT snap_key, nr, count FROM "deltas" ORDER BY snap_key, nr) GROUP BY snap_key`);
    }
    await q.query(`DROP TABLE "deltas"`);
    await q.query(
      pg
        ? `CREATE VIEW "deltas" AS SELECT c.snap_key, j.key::bigint AS nr, j.value::bigint AS count
             FROM "snapshot_counts" c CROSS JOIN LATERAL jsonb_each_text(c.counts) j`
        : `CREATE VIEW "deltas" AS SELECT c.snap_key AS snap_key, CAST(j.key AS INTEGER) AS nr, j.value AS count
             FROM "snapshot_counts" c, json_each(c.counts) j`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const pg = q.connection.options.type === 'postgres';
    const [table, columns, key] = PARTITIONED.find(([t]) => t === 'deltas')!;
    if (pg) {
      await q.query(`CREATE TABLE "deltas_rows" (${columns}, PRIMARY KEY (${key})) PARTITION BY RANGE ("snap_key")`);
      await q.query(`CREATE TABLE "deltas_rows_default" PARTITION OF "deltas_rows" DEFAULT`);
      for (const day of await storedDays(q)) await q.query(createDayPartition('deltas_rows', day));
    } else {
      await q.query(`CREATE TABLE "deltas_rows" (
        "snap_key" integer NOT NULL, "nr" integer NOT NULL, "count" integer NOT NULL,
        PRIMARY KEY ("snap_key", "nr")) WITHOUT ROWID`);
    }
    await q.query(`INSERT INTO "deltas_rows" (snap_key, nr, count) SELECT snap_key, nr, count FROM "deltas"`);
    await q.query(`DROP VIEW "deltas"`);
    await q.query(`DROP TABLE "snapshot_counts"`);
    await q.query(`ALTER TABLE "deltas_rows" RENAME TO "${table}"`);
    if (!pg) return;
    // The partitions' names as the partitioning migration (and expiry) know them.
    await q.query(`ALTER TABLE "deltas" RENAME CONSTRAINT "deltas_rows_pkey" TO "deltas_pkey"`);
    for (const p of (await q.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = '"deltas"'::regclass`,
    )) as Array<{ name: string }>)
      await q.query(`ALTER TABLE "${p.name}" RENAME TO "${p.name.replace(/^deltas_rows_/, 'deltas_')}"`);
  }
}

/** The days that hold snapshots, and today and the next two (as the partitioning migration). */
async function storedDays(q: QueryRunner): Promise<Set<number>> {
  const today = Math.floor(Date.now() / DAY_MS);
  const rows = (await q.query(`SELECT DISTINCT time_ms / ${DAY_MS} AS day FROM "snapshots"`)) as Array<{ day: string }>;
  return new Set([...rows.map((r) => Number(r.day)), today, today + 1, today + 2]);
}
