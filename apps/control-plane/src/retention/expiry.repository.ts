import { Injectable } from '@nestjs/common';
import { SqlRunner } from '../database/sql-runner';
import { TEN_MINUTE_TABLES } from '../database/ten-minute-rollups';

/**
 * The per-snapshot tables, keyed by snapshots.snap_key: removed with their snapshot (deltas is a view of
 * snapshot_counts since migration 1766600000000).
 */
export const RAW_TABLES = ['snapshot_counts', 'process_counts', 'cgroup_counts', 'failure_deltas', 'latency_deltas'];

/** The hourly rollups. hourly_counts and the two breakdown rollups share the (hour_ms, host_id, ...) key. */
export const HOURLY_TABLES = ['hourly_counts', 'hourly_process_counts', 'hourly_cgroup_counts'];

/**
 * The host-wide rollups are stored packed, one row per (time, host) (migration 1766700000000): their
 * old rows are counted in the view of the old name, and deleted from the packed table.
 */
const STORED_IN: Record<string, string> = {
  hourly_counts: 'packed_hourly_counts',
  ten_minute_counts: 'packed_ten_minute_counts',
};
const storedIn = (t: string) => STORED_IN[t] ?? t;

/** A key of PostgreSQL's advisory locks reserved for expiry ("sc-expiry"). */
export const EXPIRY_LOCK_KEY = 0x73636578;

/**
 * The deletes of expiry. Raw rows go by snapshot, oldest first, a batch per transaction (ingest
 * interleaves between batches on SQLite, whose writers take turns); the rollups and the totals
 * that /metrics and whole-run queries read (run_totals, host_totals, host_cgroup_totals) are
 * never touched by raw expiry.
 */
@Injectable()
export class ExpiryRepository {
  constructor(private readonly sql: SqlRunner) {}

  /**
   * fn under the expiry lock: on PostgreSQL a transaction-level advisory lock held by a
   * transaction that stays open while fn runs its own (undefined when another replica holds it);
   * on SQLite one process owns the file, so fn runs at once.
   */
  async exclusive<R>(fn: () => Promise<R>): Promise<R | undefined> {
    const lock = this.sql.dialect.tryTransactionLock(EXPIRY_LOCK_KEY);
    if (lock === null) return fn();
    return this.sql.transaction(async () => {
      const [row] = await this.sql.all<{ got: boolean }>(lock);
      return row?.got ? fn() : undefined;
    });
  }

  /** Whether any snapshot is older than @beforeMs. */
  async anyRawBefore(beforeMs: bigint): Promise<boolean> {
    const row = await this.sql.prepare('SELECT 1 AS one FROM snapshots WHERE time_ms < ? LIMIT 1').get(beforeMs);
    return row !== undefined;
  }

  /** Whether any rollup row is older than @beforeMs. */
  async anyHourlyBefore(beforeMs: bigint): Promise<boolean> {
    for (const t of HOURLY_TABLES) {
      const sql = `SELECT 1 AS one FROM ${storedIn(t)} WHERE hour_ms < ? LIMIT 1`;
      if (await this.sql.prepare(sql).get(beforeMs)) return true;
    }
    return false;
  }

  /** Removes up to @limit of the oldest snapshots before @beforeMs with their rows; returns how many. */
  async expireRawBatch(beforeMs: bigint, limit: number): Promise<number> {
    return this.sql.transaction(async () => {
      const keys = await this.sql
        .prepare('SELECT snap_key FROM snapshots WHERE time_ms < ? ORDER BY time_ms LIMIT ?')
        .all<{ snap_key: bigint }>(beforeMs, limit);
      if (keys.length === 0) return 0;
      // Always @limit placeholders (padded with a key no row has), so each delete is prepared once.
      const params = [...keys.map((k) => k.snap_key), ...new Array<bigint>(limit - keys.length).fill(-1n)];
      const list = params.map(() => '?').join(', ');
      for (const t of [...RAW_TABLES, 'snapshots'])
        await this.sql.prepare(`DELETE FROM ${t} WHERE snap_key IN (${list})`).run(...params);
      return keys.length;
    });
  }

  /**
   * Removes the ten-minute rollups before @beforeMs (they serve windows' edges over raw history, and
   * go with it); returns how many rows went.
   */
  async expireTenMinute(beforeMs: bigint): Promise<number> {
    return this.sql.transaction(async () => {
      let n = 0;
      for (const t of TEN_MINUTE_TABLES) {
        const [row] = await this.sql.all<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${t} WHERE bucket_ms < ?`, beforeMs);
        n += Number(row?.n ?? 0n);
        if (row?.n) await this.sql.prepare(`DELETE FROM ${storedIn(t)} WHERE bucket_ms < ?`).run(beforeMs);
      }
      return n;
    });
  }

  /** Removes the hourly rollups before @beforeMs; returns how many rows of each table went. */
  async expireHourly(beforeMs: bigint): Promise<Record<string, number>> {
    return this.sql.transaction(async () => {
      const out: Record<string, number> = {};
      for (const t of HOURLY_TABLES) {
        const [row] = await this.sql.all<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${t} WHERE hour_ms < ?`, beforeMs);
        out[t] = Number(row?.n ?? 0n);
        if (out[t] > 0) await this.sql.prepare(`DELETE FROM ${storedIn(t)} WHERE hour_ms < ?`).run(beforeMs);
      }
      return out;
    });
  }
}
