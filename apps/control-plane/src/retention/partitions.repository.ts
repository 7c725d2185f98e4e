import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SqlRunner } from '../database/sql-runner';
import { createDayPartition, DAY_MS, dayPartition } from '../database/migrations/1765600000001-raw-day-partitions';
import { RAW_PARTITIONED as PARTITIONED } from '../database/migrations/1766600000000-packed-deltas';

/**
 * The day partitions of the per-snapshot tables on PostgreSQL (see the migration
 * 1765600000001-raw-day-partitions): created a few days ahead, dropped whole once a day is older
 * than the raw retention. On SQLite there are none (every method does nothing).
 */
@Injectable()
export class PartitionsRepository {
  readonly enabled: boolean;

  constructor(
    private readonly sql: SqlRunner,
    ds: DataSource,
  ) {
    this.enabled = ds.options.type === 'postgres';
  }

  /**
   * Creates the missing partitions of days [from, to] (days since 1970). A day whose rows already
   * sit in the default partition keeps them there (its partition cannot be created): returns the
   * partitions that could not be, which expiry then handles row by row like SQLite.
   */
  async ensureDays(from: number, to: number): Promise<string[]> {
    const failed: string[] = [];
    if (!this.enabled) return failed;
    const have = new Set(await this.names());
    for (let day = from; day <= to; day++) {
      for (const [table] of PARTITIONED) {
        if (have.has(dayPartition(table, day))) continue;
        try {
          await this.own(createDayPartition(table, day));
        } catch {
          failed.push(dayPartition(table, day));
        }
      }
    }
    return failed;
  }

  /** Drops the partitions of the days that end at or before @beforeMs; returns their names. */
  async dropBefore(beforeMs: bigint): Promise<string[]> {
    if (!this.enabled) return [];
    const dropped: string[] = [];
    for (const name of await this.names()) {
      const day = Number(/_d(\d+)$/.exec(name)?.[1] ?? NaN);
      if (!Number.isInteger(day) || BigInt(day + 1) * BigInt(DAY_MS) > beforeMs) continue;
      await this.own(`DROP TABLE IF EXISTS "${name}"`);
      dropped.push(name);
    }
    return dropped;
  }

  /**
   * DDL in a transaction of its own, committed at once: the caller's (expiry's lock holder) stays
   * open for the whole pass, and the parent table's lock must not wait for it.
   */
  private async own(ddl: string): Promise<void> {
    await this.sql.transaction(() => this.sql.all(ddl));
  }

  /** The day partitions of the partitioned tables (not their default partitions). */
  private async names(): Promise<string[]> {
    const tables = PARTITIONED.map(([t]) => `'${t}'`).join(', ');
    const rows = await this.sql.all<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname IN (${tables}) AND c.relname ~ '_d[0-9]+$'`,
    );
    return rows.map((r) => r.name);
  }
}
