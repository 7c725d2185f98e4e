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
   * Series buckets of the host-wide deltas read by index, not by grouping every row: the calls of
   * just @nrs per bucket (seeks on deltas' (snap_key, nr) key), as rows (0, nr, b, c), and the calls
   * of all syscalls per bucket from snapshots.total (the sum of each snapshot's deltas, written with
   * it), as rows (1, 0, b, c). One statement, so lines and totals read one state of the store.
   */
  seriesLines(w: Window, nrs: number[], first: bigint, bucket: bigint) {
    const f = snapshotFilter(w, w.since, w.until);
    const int = this.sql.dialect.int();
    const b = this.sql.dialect.greatest(`(s.time_ms - ${int} - 1) / ${int}`, '0');
    const from = `FROM snapshots s ${snapshotIndex(this.sql.dialect, w)}`;
    const lines = nrs.length
      ? `SELECT 0 AS t, d.nr AS nr, ${b} AS b, SUM(d.count) AS c
           ${from} JOIN deltas d ON d.snap_key = s.snap_key AND d.nr IN (${nrs.map(() => '?').join(', ')})
          WHERE ${f.sql} GROUP BY d.nr, b UNION ALL `
      : '';
    return this.sql.all<{ t: bigint; nr: bigint; b: bigint; c: bigint }>(
      `${lines}SELECT 1 AS t, 0 AS nr, ${b} AS b, SUM(s.total) AS c ${from} WHERE ${f.sql} GROUP BY b`,
      ...(nrs.length ? [first, bucket, ...nrs, ...f.params] : []),
      first,
      bucket,
      ...f.params,
    );
  }

  /**
   * Time the data of a scope covers, and its arch. Each snapshot's delta covers the time since the
   * run's previous snapshot (or its start), so the span runs from there to the last snapshot: rates
   * over a window are then exact, however the window cuts the agents' intervals. Index seeks per
   * run, and only for the runs that can have snapshots in the window (spanRuns).
   */
  async span(w: Window, source: Source): Promise<SpanRow | undefined> {
    const runs = this.spanRuns(w, source);
    const inWindow = 's.run_id = r.run_id AND s.time_ms >= ? AND s.time_ms < ?';
    const [row] = await this.sql.all<SpanRow>(
      `SELECT MIN(COALESCE((SELECT MAX(p.time_ms) FROM snapshots p WHERE p.run_id = x.run_id AND p.time_ms < x.first_t),
                           x.started_ms)) AS first,
              MAX(x.last_t) AS last, COUNT(DISTINCT x.arch) AS arches, MIN(x.arch) AS arch
         FROM (SELECT r.run_id, r.started_ms, r.arch,
                      (SELECT MIN(s.time_ms) FROM snapshots s WHERE ${inWindow}) AS first_t,
                      (SELECT MAX(s.time_ms) FROM snapshots s WHERE ${inWindow}) AS last_t
                 FROM runs r WHERE ${runs.sql}) x
        WHERE x.first_t IS NOT NULL`,
      w.since,
      w.until,
      w.since,
      w.until,
      ...runs.params,
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
