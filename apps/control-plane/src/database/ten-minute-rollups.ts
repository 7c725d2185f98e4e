import { Injectable } from '@nestjs/common';
import { SqlRunner } from './sql-runner';

/** Granularity of the ten-minute rollups: a window's edges are read from them to the ten minutes. */
export const TEN_MINUTES_MS = 600_000n;

/** A snapshot a group-commit batch stored, and whether its run streams per-process or per-cgroup rows. */
export interface StoredSnapshot {
  runId: string;
  seq: bigint;
  processes: boolean;
  cgroups: boolean;
}

/**
 * The ten-minute breakdown rollups: their table, the raw rows they sum and their key columns (after
 * time and host). The host-wide one (ten_minute_counts) is packed per (ten minutes, host) and
 * written by both ingest paths from their deltas in JS (collection/host-rollups.ts).
 */
const ROLLUPS: Array<{ table: string; raw: string; keys: string[]; of: (s: StoredSnapshot) => boolean }> = [
  { table: 'ten_minute_process_counts', raw: 'process_counts', keys: ['pid', 'comm', 'nr'], of: (s) => s.processes },
  { table: 'ten_minute_cgroup_counts', raw: 'cgroup_counts', keys: ['name_key', 'nr'], of: (s) => s.cgroups },
];

/** The ten-minute rollup tables (expired with the raw rows). */
export const TEN_MINUTE_TABLES = ['ten_minute_counts', ...ROLLUPS.map((r) => r.table)];

/**
 * Ingest's one write of the ten-minute rollups: called once per group-commit batch, in its
 * transaction, with the snapshots it stored. Each table gets one statement that sums the batch's
 * raw rows (just written, so cached) per (ten minutes, host, key) and adds the sums to the stored
 * ones (count = count + excluded.count: exact when two replicas ingest the same host at once; rows
 * are locked in key order, so two such batches do not deadlock).
 */
@Injectable()
export class TenMinuteRollups {
  constructor(private readonly sql: SqlRunner) {}

  async add(batch: StoredSnapshot[]): Promise<void> {
    for (const r of ROLLUPS) {
      const snaps = batch.filter(r.of);
      if (snaps.length > 0) await this.sql.prepare(this.statement(r)).run(...this.batchParams(snaps));
    }
  }

  /**
   * The batch's (run_id, seq) as a row source b(column1, column2) of a fixed text (prepared once):
   * two array parameters where the engine has them (PostgreSQL), else one JSON array (SQLite).
   */
  private batchRows(): string {
    const arrays = this.sql.dialect.arrayRows(['text', 'bigint']);
    if (arrays) return `${arrays} AS b(column1, column2)`;
    return (
      `(SELECT json_extract(j.value, '$[0]') AS column1, CAST(json_extract(j.value, '$[1]') AS INTEGER) AS column2 ` +
      'FROM json_each(?) j) AS b'
    );
  }

  private batchParams(snaps: StoredSnapshot[]): unknown[] {
    if (this.sql.dialect.arrayRows(['text'])) return [snaps.map((s) => s.runId), snaps.map((s) => s.seq)];
    return [JSON.stringify(snaps.map((s) => [s.runId, String(s.seq)]))];
  }

  private statement(r: (typeof ROLLUPS)[number]): string {
    const keyCols = ['bucket_ms', 'host_id', ...r.keys];
    const groups = keyCols.map((_, i) => String(i + 1)).join(', ');
    const bucket = `(s.time_ms / ${TEN_MINUTES_MS}) * ${TEN_MINUTES_MS}`;
    return `INSERT INTO ${r.table} (${[...keyCols, 'count'].join(', ')})
       SELECT ${bucket}, s.host_id, ${r.keys.map((k) => `x.${k}`).join(', ')}, SUM(x.count)
         FROM ${this.batchRows()} JOIN snapshots s ON s.run_id = b.column1 AND s.seq = b.column2
         JOIN ${r.raw} x ON x.snap_key = s.snap_key
        WHERE true GROUP BY ${groups} ORDER BY ${groups}
       ON CONFLICT (${keyCols.join(', ')}) DO UPDATE SET count = ${r.table}.count + excluded.count`;
  }
}
