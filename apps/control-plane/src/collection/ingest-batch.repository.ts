import { Injectable } from '@nestjs/common';
import { Prepared, SqlRunner } from '../database/sql-runner';
import { BATCH_TABLES, BatchTable, BatchTableName, BatchTableRows, insertSql } from './batch-tables';
import type { RunState, SnapshotHead } from './ingest.repository';
import { unpackTotals } from './packed-totals';
import type { RunProgress } from './run-progress';

/** A stored snapshot's row: the same head the per-snapshot path writes. */
export type BatchHead = SnapshotHead;

/** A host's all-runs totals after the batch, packed (packTotals), and their sum. */
export interface HostAdvance {
  hostId: string;
  totals: string;
  calls: bigint | null;
}

/** How a batch moves one run on: from the last_seq it was checked against to its newest seq. */
export interface RunAdvance {
  runId: string;
  hostId: string;
  fromSeq: bigint;
  toSeq: bigint;
  finished: boolean;
  unattributed: bigint;
  /** The run's cumulative totals after the batch, packed (packTotals). */
  totals: string;
  /** The hour of the batch's newest snapshot of the run (runs.last_hour_ms only grows). */
  lastHourMs: bigint;
  /** The time of the batch's newest snapshot of the run (runs.last_ms only grows; not indexed). */
  lastMs: bigint;
}

type ProgressRow = RunState & { run_id: string };

/** The columns of a snapshot row, in the order headCell gives them. */
export const HEAD_COLS = ['run_id', 'seq', 'host_id', 'time_ms', 'total', 'unattributed'] as const;

/**
 * The group-commit batch's storage besides BatchStatement (PostgreSQL's one-statement batch): the
 * progress of many runs read at once; on SQLite a batch's heads and rows, one prepared statement
 * per row (in process); and the rows of the locking fallback, one statement per table on
 * PostgreSQL (array parameters). Exactly once rests on two things checked by the database, in the
 * batch's transaction: each run is advanced only from the last_seq the batch was checked against
 * (UPDATE ... WHERE last_seq =), and (run_id, seq) is unique in snapshots.
 */
@Injectable()
export class IngestBatchRepository {
  private readonly arrays: boolean;
  private readonly stmt: Record<string, Prepared>;

  constructor(private readonly sql: SqlRunner) {
    const p = (text: string) => sql.prepare(text);
    const d = sql.dialect;
    this.arrays = d.arrayRows(['text']) !== null;
    const runs = this.arrays ? `IN (SELECT * FROM ${d.arrayRows(['text'])})` : '= ?';
    this.stmt = {
      progress: p(
        'SELECT r.run_id, r.host_id, r.last_seq, r.unattributed, r.finished, r.started_ms, r.totals ' +
          `FROM runs r WHERE r.run_id ${runs}`,
      ),
      failure: p(`SELECT run_id, nr, errno_code AS sub, count FROM failure_totals WHERE run_id ${runs}`),
      latency: p(`SELECT run_id, nr, bucket AS sub, count FROM latency_totals WHERE run_id ${runs}`),
    };
    // The per-row writes of the SQLite batch (on PostgreSQL a batch is one BatchStatement).
    if (this.arrays) return;
    this.stmt.advance = p(
      'UPDATE runs SET last_seq = ?, last_seen_ms = ?, finished = ?, unattributed = ?, totals = ?, ' +
        `last_hour_ms = ${d.greatest('last_hour_ms', '?')}, last_ms = ${d.greatest('last_ms', '?')} ` +
        'WHERE run_id = ? AND last_seq = ? RETURNING run_id',
    );
    this.stmt.touchHost = p('UPDATE hosts SET last_seen_ms = ?, totals = ?, calls = ? WHERE host_id = ?');
    this.stmt.head = p(`INSERT INTO snapshots (${HEAD_COLS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?) RETURNING snap_key`);
    for (const [name, t] of Object.entries(BATCH_TABLES)) this.stmt[name] = p(insertSql(t, undefined, d.packedValue()));
  }

  /** Whether a table's rows go in one statement (then rows of one key must be combined first). */
  get multiRow(): boolean {
    return this.arrays;
  }

  /** The stored progress of @runIds (failures and latency for the runs named in those lists). */
  async progress(runIds: string[], failureOf: string[], latencyOf: string[]): Promise<Map<string, RunProgress>> {
    const out = new Map<string, RunProgress>();
    // A run's totals are in its row: read as of one moment with its last_seq. The cumulative
    // tables are read after it: a run advanced in between is caught by the batch's last_seq check.
    for (const r of await this.each<ProgressRow>('progress', runIds)) {
      const { host_id: hostId, last_seq: lastSeq, unattributed, started_ms: startedMs } = r;
      const [totals, failure, latency] = [unpackTotals(r.totals), new Map(), new Map()];
      out.set(r.run_id, { hostId, lastSeq, unattributed, startedMs, finished: !!r.finished, totals, failure, latency });
    }
    for (const kind of ['failure', 'latency'] as const) {
      const rows = await this.each<{ run_id: string; nr: bigint; sub: bigint; count: bigint }>(
        kind,
        kind === 'failure' ? failureOf : latencyOf,
      );
      for (const r of rows) out.get(r.run_id)?.[kind].set(`${r.nr}:${r.sub}`, r.count);
    }
    return out;
  }

  /**
   * Advances every run of the batch (only from the last_seq it was checked against), touches their
   * hosts (@hosts: sorted, with their new totals) and inserts the snapshot rows: their keys, in
   * @heads' order; null when a run had moved on (another replica stored a snapshot of it meanwhile):
   * the caller rolls the batch back.
   */
  async putHeads(
    heads: BatchHead[],
    runs: RunAdvance[],
    hosts: HostAdvance[],
    nowMs: number,
  ): Promise<bigint[] | null> {
    const now = BigInt(nowMs);
    for (const r of runs) {
      const fin = r.finished ? 1n : 0n;
      const { toSeq, unattributed, totals, lastHourMs, lastMs, runId, fromSeq } = r;
      const moved = await this.stmt.advance.get(
        toSeq,
        now,
        fin,
        unattributed,
        totals,
        lastHourMs,
        lastMs,
        runId,
        fromSeq,
      );
      if (!moved) return null;
    }
    for (const h of hosts) await this.stmt.touchHost.run(now, h.totals, h.calls, h.hostId);
    const keys: bigint[] = [];
    for (const h of heads) {
      const row = await this.stmt.head.get<{ snap_key: bigint }>(...HEAD_COLS.map((_, i) => headCell(h, i)));
      keys.push(row!.snap_key);
    }
    return keys;
  }

  /** The rest of the batch's rows, table by table (PostgreSQL: all tables in one statement). */
  async putRows(rows: Partial<BatchTableRows>): Promise<void> {
    const names = (Object.keys(rows) as BatchTableName[]).filter((n) => rows[n]!.length > 0);
    if (!this.arrays) {
      for (const n of names) for (const row of rows[n]!) await this.stmt[n].run(...row);
      return;
    }
    if (names.length === 0) return;
    // One data-modifying CTE per table: one round trip. Its text depends only on which tables have
    // rows (a handful of combinations), so each is prepared once per connection.
    const ctes = names.map((n, i) => `w${i} AS (${insertSql(BATCH_TABLES[n] as BatchTable, this.rowSource(n))})`);
    const params = names.flatMap((n) => BATCH_TABLES[n].cols.map((_, c) => rows[n]!.map((r) => r[c])));
    await this.sql.prepare(`WITH ${ctes.join(',\n')} SELECT 1`).run(...params);
  }

  private rowSource(name: BatchTableName): string {
    return `${this.sql.dialect.arrayRows(BATCH_TABLES[name].cols.map(([, type]) => type))} AS u(${BATCH_TABLES[
      name
    ].cols
      .map(([c]) => c)
      .join(', ')})`;
  }

  /** The rows of a by-run statement for @runIds: one statement (arrays), or one per run. */
  private async each<T>(name: string, runIds: string[]): Promise<T[]> {
    if (runIds.length === 0) return [];
    if (this.arrays) return this.stmt[name].all<T>(runIds);
    const out: T[] = [];
    for (const id of runIds) out.push(...(await this.stmt[name].all<T>(id)));
    return out;
  }
}

/** Column @i (of HEAD_COLS) of a snapshot row. */
export function headCell(h: BatchHead, i: number): unknown {
  return [h.runId, h.seq, h.hostId, h.timeMs, h.total, h.unattributed][i];
}
