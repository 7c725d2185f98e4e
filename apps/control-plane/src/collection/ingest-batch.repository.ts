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

const HEAD_COLS = ['run_id', 'seq', 'host_id', 'time_ms', 'total', 'unattributed'] as const;

/**
 * The group-commit batch's storage: the progress of many runs read at once, and a whole batch's
 * rows written with one statement per table (PostgreSQL: array parameters, so a batch is a few
 * round trips whatever its size) or one prepared statement per row (SQLite, in process).
 * Exactly once rests on two things checked by the database, in the batch's transaction: each run
 * is advanced only from the last_seq the batch was checked against (UPDATE ... WHERE last_seq =),
 * and (run_id, seq) is unique in snapshots.
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
    if (this.arrays) {
      const u = (types: string[]) => d.arrayRows(types)!;
      this.stmt.heads = p(
        `WITH r AS (UPDATE runs SET last_seq = u.seq, last_seen_ms = u.seen_ms, finished = u.finished,
                      unattributed = u.unattributed, totals = u.totals,
                      last_hour_ms = ${d.greatest('runs.last_hour_ms', 'u.last_hour')},
                      last_ms = ${d.greatest('runs.last_ms', 'u.last_ms')}
                    FROM ${u(['text', 'bigint', 'bigint', 'bigint', 'boolean', 'bigint', 'text', 'bigint', 'bigint'])}
                      AS u(run_id, from_seq, seq, seen_ms, finished, unattributed, totals, last_hour, last_ms)
                    WHERE runs.run_id = u.run_id AND runs.last_seq = u.from_seq RETURNING runs.run_id),
              h AS (UPDATE hosts SET last_seen_ms = v.seen_ms, totals = v.totals, calls = v.calls
                    FROM ${u(['text', 'bigint', 'text', 'bigint'])} AS v(host_id, seen_ms, totals, calls)
                    WHERE hosts.host_id = v.host_id),
              s AS (INSERT INTO snapshots (${HEAD_COLS.join(', ')})
                    SELECT * FROM ${u(['text', 'bigint', 'text', 'bigint', 'bigint', 'bigint'])}
                    RETURNING run_id, seq, snap_key)
         SELECT s.run_id, s.seq, s.snap_key, (SELECT COUNT(*) FROM r) AS advanced FROM s`,
      );
    } else {
      this.stmt.advance = p(
        'UPDATE runs SET last_seq = ?, last_seen_ms = ?, finished = ?, unattributed = ?, totals = ?, ' +
          `last_hour_ms = ${d.greatest('last_hour_ms', '?')}, last_ms = ${d.greatest('last_ms', '?')} ` +
          'WHERE run_id = ? AND last_seq = ? RETURNING run_id',
      );
      this.stmt.touchHost = p('UPDATE hosts SET last_seen_ms = ?, totals = ?, calls = ? WHERE host_id = ?');
      this.stmt.head = p(
        `INSERT INTO snapshots (${HEAD_COLS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?) RETURNING snap_key`,
      );
      for (const [name, t] of Object.entries(BATCH_TABLES))
        this.stmt[name] = p(insertSql(t, undefined, d.packedValue()));
    }
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
    if (this.arrays) return this.putHeadsArrays(heads, runs, hosts, now);
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

  private async putHeadsArrays(
    heads: BatchHead[],
    runs: RunAdvance[],
    hosts: HostAdvance[],
    now: bigint,
  ): Promise<bigint[] | null> {
    const col = <T, K extends keyof T>(xs: T[], k: K) => xs.map((x) => x[k]);
    const rows = await this.stmt.heads.all<{ run_id: string; seq: bigint; snap_key: bigint; advanced: bigint }>(
      col(runs, 'runId'),
      col(runs, 'fromSeq'),
      col(runs, 'toSeq'),
      runs.map(() => now),
      col(runs, 'finished'),
      col(runs, 'unattributed'),
      col(runs, 'totals'),
      col(runs, 'lastHourMs'),
      col(runs, 'lastMs'),
      col(hosts, 'hostId'),
      hosts.map(() => now),
      col(hosts, 'totals'),
      col(hosts, 'calls'),
      ...HEAD_COLS.map((_, i) => heads.map((h) => headCell(h, i))),
    );
    if (rows.length !== heads.length || Number(rows[0]?.advanced ?? 0) !== runs.length) return null;
    const keys = new Map(rows.map((r) => [`${r.run_id}\u0000${r.seq}`, r.snap_key]));
    return heads.map((h) => keys.get(`${h.runId}\u0000${h.seq}`)!);
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

function headCell(h: BatchHead, i: number): unknown {
  return [h.runId, h.seq, h.hostId, h.timeMs, h.total, h.unattributed][i];
}
