import { Injectable } from '@nestjs/common';
import { hourOf } from '../database/hourly-rollups';
import { Prepared, SqlRunner } from '../database/sql-runner';
import { TEN_MINUTES_MS } from '../database/ten-minute-rollups';
import type { BatchTableRows } from './batch-tables';
import { addToPacked } from './packed-totals';

/** The two host-wide rollups, as the batch tables name them: their packed table, time column and bucket. */
const GRAINS = {
  hourly: { table: 'packed_hourly_counts', time: 'hour_ms', bucket: hourOf },
  tenMinute: {
    table: 'packed_ten_minute_counts',
    time: 'bucket_ms',
    bucket: (t: bigint) => (t / TEN_MINUTES_MS) * TEN_MINUTES_MS,
  },
} as const;

type Grain = keyof typeof GRAINS;

/** What a stored snapshot adds to its host's rollups: its time and [nr, delta, ...] rows. */
export interface RollupInput {
  head: { hostId: string; timeMs: bigint };
  deltas: Array<[number, bigint, ...unknown[]]>;
}

/** The rows of the two packed rollup tables a batch writes: [time, host_id, counts], sorted by key. */
export type PackedRollupRows = Pick<BatchTableRows, Grain>;

interface Sum {
  bucket: bigint;
  hostId: string;
  counts: Map<number, bigint>;
}

/**
 * The host-wide hourly and ten-minute rollups, packed one row per (time, host) (migration
 * 1766700000000): a batch's deltas are summed in JS per (time, host), the stored rows of those keys
 * read in one statement for both tables (per key on SQLite, in process), added to, and returned as the rows to
 * write back (one upsert per table with the batch's other rows). Exact with several replicas
 * because every ingest transaction holds its hosts' row locks (IngestRepository.lockHosts) from
 * before this read to its commit: no other writer of these rows runs in between.
 */
@Injectable()
export class HostRollups {
  private readonly read: Record<Grain, Prepared>;
  /** PostgreSQL: both grains' rows read (and locked, hourly first) in one round trip. */
  private readonly readBoth?: Prepared;

  constructor(private readonly sql: SqlRunner) {
    const keys = sql.dialect.arrayRows(['bigint', 'text']);
    const where = (time: string) =>
      keys ? `(${time}, host_id) IN (SELECT * FROM ${keys})` : `${time} = ? AND host_id = ?`;
    // FOR UPDATE (PostgreSQL): the host locks keep other ingesters out, not expiry; a row expiry
    // deletes meanwhile is then deleted after this commit (as before), not written back whole.
    const selectSql = (g: Grain) =>
      `SELECT ${GRAINS[g].time} AS t, host_id, counts FROM ${GRAINS[g].table} WHERE ${where(GRAINS[g].time)}` +
      sql.dialect.forUpdate();
    this.read = { hourly: sql.prepare(selectSql('hourly')), tenMinute: sql.prepare(selectSql('tenMinute')) };
    // UNION ALL runs its branches in order: the hourly rows are locked before the ten-minute ones,
    // as with the two statements.
    if (keys)
      this.readBoth = sql.prepare(
        `(SELECT 'hourly' AS g, h.* FROM (${selectSql('hourly')}) h) UNION ALL ` +
          `(SELECT 'tenMinute' AS g, m.* FROM (${selectSql('tenMinute')}) m)`,
      );
  }

  /** The packed rows after adding the stored snapshots @stored (locked hosts only: see lockHosts). */
  async after(stored: RollupInput[]): Promise<PackedRollupRows> {
    const out = { hourly: [], tenMinute: [] } as PackedRollupRows;
    const sums = { hourly: sumsOf(stored, GRAINS.hourly.bucket), tenMinute: sumsOf(stored, GRAINS.tenMinute.bucket) };
    if (sums.hourly.length === 0 && sums.tenMinute.length === 0) return out;
    const had = await this.stored(sums);
    for (const g of Object.keys(GRAINS) as Grain[]) {
      for (const s of sums[g]) {
        out[g].push([s.bucket, s.hostId, addToPacked(had[g].get(`${s.bucket}\u0000${s.hostId}`), s.counts)]);
      }
    }
    return out;
  }

  /** The stored packed counts of @sums' keys, per grain, keyed "time\0host". */
  private async stored(sums: Record<Grain, Sum[]>): Promise<Record<Grain, Map<string, string>>> {
    type Row = { g: Grain; t: bigint; host_id: string; counts: string };
    const had = { hourly: new Map<string, string>(), tenMinute: new Map<string, string>() };
    const put = (g: Grain, r: Omit<Row, 'g'>) => had[g].set(`${r.t}\u0000${r.host_id}`, r.counts);
    if (this.readBoth) {
      const [h, m] = [sums.hourly, sums.tenMinute];
      const rows = await this.readBoth.all<Row>(
        h.map((s) => s.bucket),
        h.map((s) => s.hostId),
        m.map((s) => s.bucket),
        m.map((s) => s.hostId),
      );
      for (const r of rows) put(r.g, r);
      return had;
    }
    for (const g of Object.keys(GRAINS) as Grain[])
      for (const s of sums[g]) for (const r of await this.read[g].all<Row>(s.bucket, s.hostId)) put(g, r);
    return had;
  }
}

/** The deltas of @stored summed per (bucket, host), sorted by that key (the order rows are written in). */
function sumsOf(stored: RollupInput[], bucketOf: (t: bigint) => bigint): Sum[] {
  const sums = new Map<string, Sum>();
  for (const { head, deltas } of stored) {
    if (deltas.length === 0) continue;
    const bucket = bucketOf(head.timeMs);
    const key = `${bucket}\u0000${head.hostId}`;
    let s = sums.get(key);
    if (!s) sums.set(key, (s = { bucket, hostId: head.hostId, counts: new Map() }));
    for (const [nr, delta] of deltas) s.counts.set(nr, (s.counts.get(nr) ?? 0n) + delta);
  }
  return [...sums.values()].sort((a, b) =>
    a.bucket !== b.bucket ? (a.bucket < b.bucket ? -1 : 1) : a.hostId < b.hostId ? -1 : +(a.hostId > b.hostId),
  );
}
