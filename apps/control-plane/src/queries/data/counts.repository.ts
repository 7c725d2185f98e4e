import { Injectable } from '@nestjs/common';
import { CLOCK_SKEW_MS } from '../../collection/snapshot-validation';
import { HOUR_MS } from '../../database/hourly-rollups';
import { SqlRunner } from '../../database/sql-runner';
import { runCarries } from '../../hosts-runs/hosts-runs.repository';
import type { CountSource, Key, Source, Window } from '../scope-window';
import { BreakdownsRepository } from './breakdowns.repository';
import { FailuresRepository } from './failures.repository';
import { Grain, rollupTable } from './rollups.repository';
import { Fragment, hostFilter, KeyColumns, plainKey, RowSource, snapshotFilter, snapshotIndex } from './snapshot-sql';

/** A sum per key: k the key (nr, host, run, pid, errno, ...), l its label where it has one. */
export interface KeyedCount {
  k: bigint | string;
  l: string | null;
  c: bigint;
}

/** Time the data of a scope covers (unix ms; 0 when none) and its arches. */
export interface SpanRow {
  first: bigint | null;
  last: bigint | null;
  arch: string | null;
  arches: bigint;
}

/**
 * Sums over stored counts: a whole run from run_totals, whole hours or ten minutes from the rollups
 * (hourly_counts, ten_minute_counts), and any window from the per-snapshot rows of a source (deltas
 * here; the breakdowns and failures from their repositories), plus the span of time a scope's
 * snapshots cover and series buckets.
 */
@Injectable()
export class CountsRepository {
  constructor(
    private readonly sql: SqlRunner,
    private readonly breakdowns: BreakdownsRepository,
    private readonly failures: FailuresRepository,
  ) {}

  /** A whole run, keyed by syscall, host or run, from its cumulative totals. */
  fromTotals(runId: string, key: 'syscall' | 'host' | 'run', nr?: number): Promise<KeyedCount[]> {
    const k = key === 'syscall' ? 't.nr' : key === 'host' ? 'r.host_id' : 't.run_id';
    return this.sql.all(
      `SELECT ${k} AS k, NULL AS l, SUM(t.count) AS c FROM run_totals t JOIN runs r ON r.run_id = t.run_id
        WHERE t.run_id = ?${nr === undefined ? '' : ' AND t.nr = ?'} GROUP BY k`,
      runId,
      ...(nr === undefined ? [] : [nr]),
    );
  }

  /** Whole hours or ten minutes [t0, t1) of some hosts (none: all), keyed by syscall or host, from the rollups. */
  rollupQuery(grain: Grain, t0: bigint, t1: bigint, hostIds: string[], key: 'syscall' | 'host', nr?: number): Fragment {
    const { table, time } = rollupTable('deltas', grain);
    const hosts = hostFilter('host_id', hostIds);
    const where = [
      `${time} >= ?`,
      `${time} < ?`,
      ...(hosts ? [hosts.sql] : []),
      ...(nr === undefined ? [] : ['nr = ?']),
    ];
    return {
      sql: `SELECT ${key === 'syscall' ? 'nr' : 'host_id'} AS k, NULL AS l, SUM(count) AS c
              FROM ${table} WHERE ${where.join(' AND ')} GROUP BY k`,
      params: [t0, t1, ...(hosts?.params ?? []), ...(nr === undefined ? [] : [nr])],
    };
  }

  /** Sums per key from the per-snapshot rows of a source over [since, until) of a scope. */
  fromRows(w: Window, key: Key, source: CountSource, since: bigint, until: bigint): Promise<KeyedCount[]> {
    const q = this.rowsQuery(w, key, source, since, until);
    return this.sql.all(q.sql, ...q.params);
  }

  /**
   * A rollup's sums (@rollup: a query of k, l, c), less the per-snapshot rows of [less[0], less[1])
   * when given, in one statement: it reads one state of the store, so a snapshot committed meanwhile
   * is in both parts or in neither (two statements could subtract one the rollup read had not added).
   */
  fromRollupLess(rollup: Fragment, w: Window, key: Key, source: CountSource, less?: [bigint, bigint]) {
    if (!less) return this.sql.all<KeyedCount>(rollup.sql, ...rollup.params);
    const raw = this.rowsQuery(w, key, source, less[0], less[1]);
    return this.sql.all<KeyedCount>(
      `SELECT u.k AS k, u.l AS l, SUM(u.c) AS c
         FROM (SELECT a.k, a.l, a.c FROM (${rollup.sql}) a UNION ALL SELECT r.k, r.l, -r.c FROM (${raw.sql}) r) u
        GROUP BY u.k, u.l`,
      ...rollup.params,
      ...raw.params,
    );
  }

  private rowsQuery(w: Window, key: Key, source: CountSource, since: bigint, until: bigint): Fragment {
    const f = snapshotFilter(w, since, until);
    const rows = this.rowsOf(source, w, key);
    const k = this.keyColumns(source, key);
    return {
      sql: `SELECT ${k.outer}, SUM(g.c) AS c
              FROM (SELECT ${k.inner}, SUM(${rows.col}.count) AS c
                      FROM snapshots s ${snapshotIndex(this.sql.dialect, w)} ${rows.join}
                     WHERE ${[f.sql, ...rows.where].join(' AND ')} GROUP BY ${k.groupBy}) g ${k.join}
             GROUP BY k, l`,
      params: [...f.params, ...rows.params],
    };
  }

  /** Calls per (syscall, bucket) of the snapshots taken in (first + b*bucket, first + (b+1)*bucket]. */
  seriesRows(w: Window, source: CountSource, first: bigint, bucket: bigint) {
    const f = snapshotFilter(w, w.since, w.until);
    const rows = this.rowsOf(source, { ...w, nr: undefined }, 'syscall');
    const int = this.sql.dialect.int();
    return this.sql.all<{ nr: bigint; b: bigint; c: bigint }>(
      `SELECT ${rows.col}.nr AS nr, ${this.sql.dialect.greatest(`(s.time_ms - ${int} - 1) / ${int}`, '0')} AS b,
              SUM(${rows.col}.count) AS c
         FROM snapshots s ${rows.join} WHERE ${[f.sql, ...rows.where].join(' AND ')} GROUP BY ${rows.col}.nr, b`,
      first,
      bucket,
      ...f.params,
      ...rows.params,
    );
  }

  /**
   * Series buckets of the host-wide deltas read by key, not by grouping every row: the calls of
   * just @nrs per bucket (a key lookup in each snapshot's packed snapshot_counts row), as rows
   * (0, nr, b, c), and the calls of all syscalls per bucket from snapshots.total (the sum of each
   * snapshot's deltas, written with it), as rows (1, 0, b, c). One statement, so lines and totals
   * read one state of the store.
   */
  async seriesLines(w: Window, nrs: number[], first: bigint, bucket: bigint) {
    const f = snapshotFilter(w, w.since, w.until);
    const d = this.sql.dialect;
    const b = d.greatest(`(s.time_ms - ${d.int()} - 1) / ${d.int()}`, '0');
    const lines = nrs.map((_, i) => `, SUM(${d.packedCount('c.counts')}) AS c${i}`).join('');
    const join = nrs.length ? 'LEFT JOIN snapshot_counts c ON c.snap_key = s.snap_key' : '';
    const rows = await this.sql.all<Record<string, bigint | null>>(
      `SELECT ${b} AS b, SUM(s.total) AS total${lines}
         FROM snapshots s ${snapshotIndex(d, w)} ${join} WHERE ${f.sql} GROUP BY b`,
      first,
      bucket,
      ...nrs.map((nr) => d.packedKey(nr)),
      ...f.params,
    );
    const out: Array<{ t: bigint; nr: bigint; b: bigint; c: bigint }> = [];
    for (const r of rows) {
      out.push({ t: 1n, nr: 0n, b: r.b!, c: r.total! });
      nrs.forEach((nr, i) => {
        if (r[`c${i}`] !== null) out.push({ t: 0n, nr: BigInt(nr), b: r.b!, c: r[`c${i}`]! });
      });
    }
    return out;
  }

  /**
   * Time the data of a scope covers, and its arch. Each snapshot's delta covers the time since the
   * run's previous snapshot (or its start), so the span runs from there to the last snapshot: rates
   * over a window are then exact, however the window cuts the agents' intervals. A run whose every
   * snapshot lies in the window spans from its start to its newest snapshot (runs.last_ms), read
   * from its row (wholeRuns); only the others that can reach the window (spanRuns) cost index seeks.
   */
  async span(w: Window, source: Source): Promise<SpanRow | undefined> {
    const runs = this.spanRuns(w, source);
    const whole = this.wholeRuns(w);
    const inWindow = 's.run_id = r.run_id AND s.time_ms >= ? AND s.time_ms < ?';
    const previous = 'SELECT MAX(p.time_ms) FROM snapshots p WHERE p.run_id = x.run_id AND p.time_ms < x.first_t';
    const [row] = await this.sql.all<SpanRow>(
      `SELECT MIN(y.first) AS first, MAX(y.last) AS last, COUNT(DISTINCT y.arch) AS arches, MIN(y.arch) AS arch
         FROM (SELECT COALESCE((${previous}), x.started_ms) AS first, x.last_t AS last, x.arch
                 FROM (SELECT r.run_id, r.started_ms, r.arch,
                              (SELECT MIN(s.time_ms) FROM snapshots s WHERE ${inWindow}) AS first_t,
                              (SELECT MAX(s.time_ms) FROM snapshots s WHERE ${inWindow}) AS last_t
                         FROM runs r WHERE ${runs.sql} AND NOT (${whole.sql})) x
                WHERE x.first_t IS NOT NULL
               UNION ALL
               SELECT r.started_ms, r.last_ms, r.arch FROM runs r WHERE ${runs.sql} AND ${whole.sql}) y`,
      w.since,
      w.until,
      w.since,
      w.until,
      ...runs.params,
      ...whole.params,
      ...runs.params,
      ...whole.params,
    );
    return row;
  }

  /**
   * The runs (alias r) of a scope that can have snapshots in its window: not those whose newest
   * snapshot's hour (runs.last_hour_ms, indexed) ends before it starts, nor those started after
   * it ends (a snapshot is never more than the allowed clock skew before its run's start:
   * snapshot-validation.ts). So span seeks per run in the window, not per run ever stored.
   */
  spanRuns(w: Window, source: Source): Fragment {
    const hosts = hostFilter('r.host_id', w.hostIds);
    const sql = [
      'r.last_hour_ms > ?',
      'r.started_ms < ?',
      hosts?.sql ?? '',
      w.runId ? 'r.run_id = ?' : '',
      source === 'deltas' ? '' : runCarries(source),
    ].filter(Boolean);
    const params = [w.since - HOUR_MS, w.until + BigInt(CLOCK_SKEW_MS), ...(hosts?.params ?? [])];
    return { sql: sql.join(' AND '), params: [...params, ...(w.runId ? [w.runId] : [])] };
  }

  /**
   * The runs (alias r) whose every snapshot lies in the window [since, until): started at least
   * the clock skew after since (no snapshot earlier: snapshot-validation.ts), newest snapshot
   * (runs.last_ms, exact) before until. Their first snapshot in the window has no previous one, so
   * their span is [started_ms, last_ms]. Not a run whose newest snapshot is in expired raw time
   * (nothing of it left, or rows an expiry pass is still deleting): that one keeps the seeks. A
   * partly expired run keeps its newest snapshot (expiry removes the oldest), so the answer holds.
   */
  wholeRuns(w: Window): Fragment {
    return {
      sql: `(r.started_ms >= ? AND r.last_ms >= ? AND r.last_ms < ? AND r.last_ms > 0
             AND r.last_ms >= COALESCE((SELECT m.before_ms FROM retention_marks m WHERE m.kind = 'raw'), 0))`,
      params: [w.since + BigInt(CLOCK_SKEW_MS), w.since, w.until],
    };
  }

  /** The runs (alias r) of a scope that span seeks into: those near the window that it does not cover whole. */
  seekRuns(w: Window, source: Source): Fragment {
    const runs = this.spanRuns(w, source);
    const whole = this.wholeRuns(w);
    return { sql: `${runs.sql} AND NOT ${whole.sql}`, params: [...runs.params, ...whole.params] };
  }

  private rowsOf(source: CountSource, w: Window, key: Key): RowSource {
    if (source === 'failures') return this.failures.rows(key, w.nr);
    if (source !== 'deltas') return this.breakdowns.rows(source, w.filter, w.nr);
    const nr = w.nr === undefined ? { where: [], params: [] } : { where: ['d.nr = ?'], params: [w.nr] };
    return { join: 'JOIN deltas d ON d.snap_key = s.snap_key', col: 'd', ...nr };
  }

  private keyColumns(source: Source, key: Key): KeyColumns {
    if (key === 'host') return plainKey('s.host_id');
    if (key === 'run') return plainKey('s.run_id');
    if (key === 'syscall') return plainKey(source === 'deltas' ? 'd.nr' : 'x.nr');
    const k = this.breakdowns.keyColumns(key) ?? this.failures.keyColumns(key);
    if (!k) throw new Error(`no key columns for ${key} over ${source}`);
    return k;
  }
}
