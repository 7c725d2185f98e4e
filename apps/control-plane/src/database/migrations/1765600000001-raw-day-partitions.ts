import { MigrationInterface, QueryRunner } from 'typeorm';

export const DAY_MS = 86_400_000;
/** A snapshot key is its day (unix ms / DAY_MS) times this, plus a sequence number. */
export const DAY_KEYS = 4_294_967_296;

/** The per-snapshot tables and their keys (each leads with snap_key, the partition key). */
export const PARTITIONED: Array<[string, string, string]> = [
  ['deltas', '"snap_key" bigint NOT NULL, "nr" bigint NOT NULL, "count" bigint NOT NULL', 'snap_key, nr'],
  [
    'process_counts',
    '"snap_key" bigint NOT NULL, "pid" bigint NOT NULL, "nr" bigint NOT NULL, "comm" text NOT NULL, ' +
      '"count" bigint NOT NULL',
    'snap_key, pid, nr',
  ],
  [
    'cgroup_counts',
    '"snap_key" bigint NOT NULL, "name_key" bigint NOT NULL, "nr" bigint NOT NULL, "count" bigint NOT NULL',
    'snap_key, name_key, nr',
  ],
  [
    'failure_deltas',
    '"snap_key" bigint NOT NULL, "nr" bigint NOT NULL, "errno_code" bigint NOT NULL, "count" bigint NOT NULL',
    'snap_key, nr, errno_code',
  ],
  [
    'latency_deltas',
    '"snap_key" bigint NOT NULL, "nr" bigint NOT NULL, "bucket" bigint NOT NULL, "count" bigint NOT NULL',
    'snap_key, nr, bucket',
  ],
];

/** The partition of @table holding the snapshots of day @day (days since 1970-01-01). */
export function dayPartition(table: string, day: number): string {
  return `${table}_d${day}`;
}

/** CREATE of @table's partition for day @day. */
export function createDayPartition(table: string, day: number): string {
  return (
    `CREATE TABLE IF NOT EXISTS "${dayPartition(table, day)}" PARTITION OF "${table}" ` +
    `FOR VALUES FROM (${day * DAY_KEYS}) TO (${(day + 1) * DAY_KEYS})`
  );
}

/**
 * PostgreSQL only (SQLite is one file: expiry deletes rows there): the per-snapshot tables become
 * range-partitioned by day, so expiry drops a day's partitions instead of deleting its rows. Their
 * rows carry no time, but their key does: a snapshot's key becomes its day times 2^32 plus its
 * sequence number (a trigger sets it on insert; existing keys are rewritten the same way), so a
 * day's rows of every table fall in [day * 2^32, (day + 1) * 2^32). The snapshots table itself
 * (one small row per snapshot) stays whole: its unique (run_id, seq) index, which keeps ingest
 * exactly-once across replicas, could not be global on a partitioned table. Rows of a day without
 * a partition go to a default partition (expiry deletes those rows).
 */
export class RawDayPartitions1765600000001 implements MigrationInterface {
  name = 'RawDayPartitions1765600000001';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    const today = Math.floor(Date.now() / DAY_MS);
    const stored = (await q.query(`SELECT DISTINCT time_ms / ${DAY_MS} AS day FROM "snapshots"`)) as Array<{
      day: string;
    }>;
    const days = new Set([...stored.map((r) => Number(r.day)), today, today + 1, today + 2]);
    const newKey = `(s.time_ms / ${DAY_MS}) * ${DAY_KEYS} + s.snap_key`;
    for (const [table, columns, key] of PARTITIONED) {
      await q.query(`ALTER TABLE "${table}" RENAME TO "${table}_whole"`);
      await q.query(`ALTER TABLE "${table}_whole" RENAME CONSTRAINT "${table}_pkey" TO "${table}_whole_pkey"`);
      await q.query(`CREATE TABLE "${table}" (${columns}, PRIMARY KEY (${key})) PARTITION BY RANGE ("snap_key")`);
      await q.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
      for (const day of days) await q.query(createDayPartition(table, day));
      const cols = columns.match(/"(\w+)"/g)!.filter((c) => c !== '"snap_key"');
      const values = cols.map((c) => `x.${c}`).join(', ');
      await q.query(
        `INSERT INTO "${table}" ("snap_key", ${cols.join(', ')}) SELECT ${newKey}, ${values}
           FROM "${table}_whole" x JOIN "snapshots" s ON s.snap_key = x.snap_key`,
      );
      await q.query(`DROP TABLE "${table}_whole"`);
    }
    await q.query(`UPDATE "snapshots" s SET snap_key = ${newKey}`);
    await q.query(`CREATE FUNCTION sc_day_snap_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.snap_key := (NEW.time_ms / ${DAY_MS}) * ${DAY_KEYS} + NEW.snap_key % ${DAY_KEYS};
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER snapshots_day_key BEFORE INSERT ON "snapshots"
      FOR EACH ROW EXECUTE FUNCTION sc_day_snap_key()`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    await q.query(`DROP TRIGGER snapshots_day_key ON "snapshots"`);
    await q.query(`DROP FUNCTION sc_day_snap_key()`);
    for (const [table, columns, key] of PARTITIONED) {
      await q.query(
        `CREATE TABLE "${table}_whole" (${columns}, CONSTRAINT "${table}_whole_pkey" PRIMARY KEY (${key}))`,
      );
      await q.query(`INSERT INTO "${table}_whole" SELECT * FROM "${table}"`);
      await q.query(`DROP TABLE "${table}"`);
      await q.query(`ALTER TABLE "${table}_whole" RENAME TO "${table}"`);
      await q.query(`ALTER TABLE "${table}" RENAME CONSTRAINT "${table}_whole_pkey" TO "${table}_pkey"`);
    }
  }
}
