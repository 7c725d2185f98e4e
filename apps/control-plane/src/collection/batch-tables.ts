/**
 * The tables a group-commit batch writes after its snapshot rows, each as one list of rows for
 * the whole batch. Rows of the rollup and total tables are pre-aggregated per key in JS (see
 * batch-rows.ts): one INSERT ... ON CONFLICT DO UPDATE may not touch the same row twice, and
 * fewer rows mean fewer row locks. Every writer sends them sorted by key, so two replicas adding to
 * the same host's rollups lock its rows in one order.
 */
export interface BatchTable {
  table: string;
  /** Columns and their PostgreSQL types (for the unnest of array parameters). */
  cols: Array<[string, 'bigint' | 'text' | 'jsonb']>;
  /** The key of an upsert, and what a conflict does to the other columns. */
  keys?: string[];
  onConflict?: 'add' | 'replace' | 'keep';
}

const big = (c: string): [string, 'bigint'] => [c, 'bigint'];
const text = (c: string): [string, 'text'] => [c, 'text'];
// JSONB on both engines (see migration 1766600000000-packed-deltas), sent as text.
const json = (c: string): [string, 'jsonb'] => [c, 'jsonb'];

export const BATCH_TABLES = {
  // A snapshot's host-wide deltas, packed into one row (collection/packed-deltas.ts).
  snapshotCounts: { table: 'snapshot_counts', cols: [big('snap_key'), json('counts')] },
  // The host-wide rollups: one packed row per (time, host), added to in JS under the hosts' locks
  // (host-rollups.ts) and written back whole, by both paths.
  hourly: {
    table: 'packed_hourly_counts',
    cols: [big('hour_ms'), text('host_id'), text('counts')],
    keys: ['hour_ms', 'host_id'],
    onConflict: 'replace',
  },
  tenMinute: {
    table: 'packed_ten_minute_counts',
    cols: [big('bucket_ms'), text('host_id'), text('counts')],
    keys: ['bucket_ms', 'host_id'],
    onConflict: 'replace',
  },
  processes: {
    table: 'process_counts',
    cols: [big('snap_key'), big('pid'), big('nr'), text('comm'), big('count')],
  },
  hourlyProcesses: {
    table: 'hourly_process_counts',
    cols: [big('hour_ms'), text('host_id'), big('pid'), text('comm'), big('nr'), big('count')],
    keys: ['hour_ms', 'host_id', 'pid', 'comm', 'nr'],
    onConflict: 'add',
  },
  // The ten-minute breakdown rollups: in the batch's statement where rows are combined (PostgreSQL);
  // SQLite's per-row path sums them from the stored rows instead (TenMinuteRollups), a statement per table.
  tenMinuteProcesses: {
    table: 'ten_minute_process_counts',
    cols: [big('bucket_ms'), text('host_id'), big('pid'), text('comm'), big('nr'), big('count')],
    keys: ['bucket_ms', 'host_id', 'pid', 'comm', 'nr'],
    onConflict: 'add',
  },
  cgroups: { table: 'cgroup_counts', cols: [big('snap_key'), big('name_key'), big('nr'), big('count')] },
  hostCgroupTotals: {
    table: 'host_cgroup_totals',
    cols: [text('host_id'), big('name_key'), big('nr'), big('count')],
    keys: ['host_id', 'name_key', 'nr'],
    onConflict: 'add',
  },
  hourlyCgroups: {
    table: 'hourly_cgroup_counts',
    cols: [big('hour_ms'), text('host_id'), big('name_key'), big('nr'), big('count')],
    keys: ['hour_ms', 'host_id', 'name_key', 'nr'],
    onConflict: 'add',
  },
  tenMinuteCgroups: {
    table: 'ten_minute_cgroup_counts',
    cols: [big('bucket_ms'), text('host_id'), big('name_key'), big('nr'), big('count')],
    keys: ['bucket_ms', 'host_id', 'name_key', 'nr'],
    onConflict: 'add',
  },
  failureDeltas: { table: 'failure_deltas', cols: [big('snap_key'), big('nr'), big('errno_code'), big('count')] },
  failureTotals: {
    table: 'failure_totals',
    cols: [text('run_id'), big('nr'), big('errno_code'), big('count')],
    keys: ['run_id', 'nr', 'errno_code'],
    onConflict: 'replace',
  },
  latencyDeltas: { table: 'latency_deltas', cols: [big('snap_key'), big('nr'), big('bucket'), big('count')] },
  latencyTotals: {
    table: 'latency_totals',
    cols: [text('run_id'), big('nr'), big('bucket'), big('count')],
    keys: ['run_id', 'nr', 'bucket'],
    onConflict: 'replace',
  },
  seen: {
    table: 'cgroup_syscalls',
    cols: [text('run_id'), big('name_key'), big('nr'), big('first_ms')],
    keys: ['run_id', 'name_key', 'nr'],
    onConflict: 'keep',
  },
  bpfPrograms: {
    table: 'bpf_program_totals',
    cols: [text('run_id'), text('program'), big('run_time_ns'), big('run_count')],
    keys: ['run_id', 'program'],
    onConflict: 'replace',
  },
} satisfies Record<string, BatchTable>;

export type BatchTableName = keyof typeof BATCH_TABLES;

/** A batch's rows per table (in the table's column order). */
export type BatchTableRows = Record<BatchTableName, unknown[][]>;

/**
 * The INSERT of one row (SQLite; @packed: the value of a jsonb column from its text parameter) or
 * of a whole array-parameter row source (PostgreSQL).
 */
export function insertSql(t: BatchTable, rowSource?: string, packed = '?'): string {
  const cols = t.cols.map(([c]) => c);
  const one = t.cols.map(([, type]) => (type === 'jsonb' ? packed : '?'));
  const values = rowSource ? `SELECT * FROM ${rowSource}` : `VALUES (${one.join(', ')})`;
  let sql = `INSERT INTO ${t.table} (${cols.join(', ')}) ${values}`;
  if (t.keys) {
    const rest = cols.filter((c) => !t.keys!.includes(c));
    const set = rest.map((c) =>
      t.onConflict === 'add' ? `${c} = ${t.table}.${c} + excluded.${c}` : `${c} = excluded.${c}`,
    );
    sql += ` ON CONFLICT (${t.keys.join(', ')}) ` + (t.onConflict === 'keep' ? 'DO NOTHING' : `DO UPDATE SET ${set}`);
  }
  return sql;
}
