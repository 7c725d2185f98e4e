import { Injectable } from '@nestjs/common';
import { hourOf } from '../database/hourly-rollups';
import { Prepared, SqlRunner } from '../database/sql-runner';
import { TEN_MINUTES_MS } from '../database/ten-minute-rollups';
import type { RollupWrite } from './batch-statement';
import type { BatchTableRows } from './batch-tables';
import { addToPacked } from './packed-totals';
import { RecentMap } from './recent-map';

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

/** How many (grain, host) rows plan() keeps a copy of: two per host of a 100,000-host fleet. */
const SEEN_CAPACITY = 200_000;

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
 * write back. Exact with several replicas: a transaction (SQLite's batch, the fallback) holds its
 * hosts' row locks (IngestRepository.lockHosts) from before this read to its commit, so no other
 * writer of these rows runs in between; PostgreSQL's one-statement batch (plan()) instead writes a
 * row back only if it is still the text the sum was made from (BatchStatement).
 */
@Injectable()
export class HostRollups {
  private readonly read: Record<Grain, Prepared>;
  /** PostgreSQL: both grains' rows read (and locked, hourly first) in one round trip. */
  private readonly readBoth?: Prepared;
  /** The same without the lock (plan(): its write compares the text instead). */
  private readonly peekBoth?: Prepared;
  /** plan(): the newest row this replica wrote per (grain, host), as written. */
  private readonly seen = new RecentMap<string, { bucket: bigint; counts: string }>(SEEN_CAPACITY);

  constructor(private readonly sql: SqlRunner) {
    const keys = sql.dialect.arrayRows(['bigint', 'text']);
    const where = (time: string) =>
      keys ? `(${time}, host_id) IN (SELECT * FROM ${keys})` : `${time} = ? AND host_id = ?`;
    // FOR UPDATE (PostgreSQL): the host locks keep other ingesters out, not expiry; a row expiry
    // deletes meanwhile is then deleted after this commit (as before), not written back whole.
    const selectSql = (g: Grain, lock = true) =>
      `SELECT ${GRAINS[g].time} AS t, host_id, counts FROM ${GRAINS[g].table} WHERE ${where(GRAINS[g].time)}` +
      (lock ? sql.dialect.forUpdate() : '');
    this.read = { hourly: sql.prepare(selectSql('hourly')), tenMinute: sql.prepare(selectSql('tenMinute')) };
    // UNION ALL runs its branches in order: the hourly rows are locked before the ten-minute ones,
    // as with the two statements.
    const both = (lock: boolean) =>
      sql.prepare(
        `(SELECT 'hourly' AS g, h.* FROM (${selectSql('hourly', lock)}) h) UNION ALL ` +
          `(SELECT 'tenMinute' AS g, m.* FROM (${selectSql('tenMinute', lock)}) m)`,
      );
    if (keys) [this.readBoth, this.peekBoth] = [both(true), both(false)];
  }

  /** The packed rows after adding the stored snapshots @stored (locked hosts only: see lockHosts). */
  async after(stored: RollupInput[]): Promise<PackedRollupRows> {
    const out = { hourly: [], tenMinute: [] } as PackedRollupRows;
    const sums = sumsByGrain(stored);
    if (sums.hourly.length === 0 && sums.tenMinute.length === 0) return out;
    const had = await this.stored(sums);
    for (const g of Object.keys(GRAINS) as Grain[]) {
      for (const s of sums[g]) {
        out[g].push([s.bucket, s.hostId, addToPacked(had[g].get(`${s.bucket}\u0000${s.hostId}`), s.counts)]);
      }
    }
    return out;
  }

  /**
   * The one-statement path (PostgreSQL, BatchStatement): the rows @stored leave, each with the
   * text this replica last saw for it (null: no row), from its copy of the newest row per host and
   * grain, or read for the keys it has no copy of (no lock: the write checks the text instead).
   */
  async plan(stored: RollupInput[]): Promise<RollupWrite[]> {
    const sums = sumsByGrain(stored);
    const seen = (g: Grain, s: Sum) => {
      const c = this.seen.get(`${g}\u0000${s.hostId}`);
      return c && c.bucket === s.bucket ? c : undefined;
    };
    const missing = {
      hourly: sums.hourly.filter((s) => !seen('hourly', s)),
      tenMinute: sums.tenMinute.filter((s) => !seen('tenMinute', s)),
    };
    const had = missing.hourly.length || missing.tenMinute.length ? await this.stored(missing, false) : undefined;
    const out: RollupWrite[] = [];
    for (const g of Object.keys(GRAINS) as Grain[]) {
      for (const s of sums[g]) {
        const old = seen(g, s)?.counts ?? had?.[g].get(`${s.bucket}\u0000${s.hostId}`) ?? null;
        const counts = addToPacked(old, s.counts);
        out.push({ table: GRAINS[g].table, bucket: s.bucket, hostId: s.hostId, old, counts });
      }
    }
    return out;
  }

  /** After the batch's statement committed: its rows are the newest this replica knows. */
  committed(writes: RollupWrite[]): void {
    for (const w of writes) {
      const g: Grain = w.table === GRAINS.hourly.table ? 'hourly' : 'tenMinute';
      const key = `${g}\u0000${w.hostId}`;
      const had = this.seen.get(key);
      if (had && had.bucket > w.bucket) continue;
      this.seen.put(key, { bucket: w.bucket, counts: w.counts });
    }
  }

  /** After a write that did not go as planned: read these hosts' rows next time. */
  forget(hostIds: Iterable<string>): void {
    for (const id of hostIds) for (const g of Object.keys(GRAINS)) this.seen.delete(`${g}\u0000${id}`);
  }

  /** The stored packed counts of @sums' keys, per grain, keyed "time\0host". */
  private async stored(sums: Record<Grain, Sum[]>, lock = true): Promise<Record<Grain, Map<string, string>>> {
    type Row = { g: Grain; t: bigint; host_id: string; counts: string };
    const had = { hourly: new Map<string, string>(), tenMinute: new Map<string, string>() };
    const put = (g: Grain, r: Omit<Row, 'g'>) => had[g].set(`${r.t}\u0000${r.host_id}`, r.counts);
    if (this.readBoth) {
      const [h, m] = [sums.hourly, sums.tenMinute];
      const rows = await (lock ? this.readBoth : this.peekBoth)!.all<Row>(
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

/** The deltas of @stored summed per (bucket, host) for each grain. */
function sumsByGrain(stored: RollupInput[]): Record<Grain, Sum[]> {
  return { hourly: sumsOf(stored, GRAINS.hourly.bucket), tenMinute: sumsOf(stored, GRAINS.tenMinute.bucket) };
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
