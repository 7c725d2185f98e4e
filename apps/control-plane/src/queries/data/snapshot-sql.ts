import type { SqlDialect } from '../../database/sql-dialect';
import type { Window } from '../scope-window';

/** A WHERE fragment: SQL text and its parameters, in order. */
export interface Fragment {
  sql: string;
  params: unknown[];
}

/** The rows of one source joined to snapshots (alias s): rows alias d (deltas) or x (the others). */
export interface RowSource {
  join: string;
  col: 'd' | 'x';
  where: string[];
  params: unknown[];
}

/**
 * How rows are keyed, in two steps so the costly part runs once per group rather than once per
 * row: @inner groups the rows by plain columns (aliases a, b), @outer turns each group into its
 * key k and label l (NULL when the key has none), joining cgroup names if needed.
 */
export interface KeyColumns {
  inner: string;
  groupBy: string;
  outer: string;
  join: string;
}

/** A one-column key without a label. */
export function plainKey(col: string): KeyColumns {
  return { inner: `${col} AS a`, groupBy: 'a', outer: 'g.a AS k, NULL AS l', join: '' };
}

/** @col is one of @hostIds: "col = ?" or "col IN (?, ?)"; undefined when they are none (every host). */
export function hostFilter(col: string, hostIds: string[]): Fragment | undefined {
  if (!hostIds.length) return undefined;
  const sql = hostIds.length === 1 ? `${col} = ?` : `${col} IN (${hostIds.map(() => '?').join(', ')})`;
  return { sql, params: [...hostIds] };
}

/** The snapshots (alias s) of a scope in [since, until). */
export function snapshotFilter(w: Window, since: bigint, until: bigint): Fragment {
  const parts = ['s.time_ms >= ?', 's.time_ms < ?'];
  const params: unknown[] = [since, until];
  const hosts = hostFilter('s.host_id', w.hostIds);
  if (hosts) {
    parts.push(hosts.sql);
    params.push(...hosts.params);
  }
  if (w.runId) {
    parts.push('s.run_id = ?');
    params.push(w.runId);
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * The index to read a scope's snapshots by. Named because grouping by host would otherwise tempt
 * SQLite into walking the whole (host, time) index to skip a sort, reading every snapshot stored.
 */
export function snapshotIndex(dialect: SqlDialect, w: Window): string {
  return dialect.indexHint(
    w.runId ? 'idx_snapshots_run_time' : w.hostIds.length ? 'idx_snapshots_host_time' : 'idx_snapshots_time',
  );
}
