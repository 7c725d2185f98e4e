import { hourOf } from '../database/hourly-rollups';
import { TEN_MINUTES_MS } from '../database/ten-minute-rollups';
import { BATCH_TABLES, BatchTableName, BatchTableRows } from './batch-tables';
import { packDeltas } from './packed-deltas';
import type { RunOptions, CheckedSnapshot } from './snapshot-check';

/** A checked snapshot of the batch with the key its snapshot row got. */
export interface KeyedSnapshot {
  run: RunOptions;
  c: CheckedSnapshot;
  snapKey: bigint;
}

type Cell = bigint | number | string;

function compareKeys(a: Cell[], b: Cell[], n: number): number {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/**
 * Rows of one table for the whole batch. With @combine, tables with a key get one row per key,
 * combined as the table's ON CONFLICT would (add, replace, keep the first), sorted by key: what
 * one multi-row statement needs. Without, rows stay as they came (one statement per row).
 */
class TableRows {
  private readonly plain: Cell[][] = [];
  private readonly byKey = new Map<string, Cell[]>();
  private readonly nKeys: number;

  constructor(
    private readonly name: BatchTableName,
    combine: boolean,
  ) {
    this.nKeys = combine ? ((BATCH_TABLES[name] as { keys?: string[] }).keys?.length ?? 0) : 0;
  }

  add(row: Cell[]): void {
    if (!this.nKeys) return void this.plain.push(row);
    let key = String(row[0]);
    for (let i = 1; i < this.nKeys; i++) key += `\u0000${row[i]}`;
    const had = this.byKey.get(key);
    if (!had) return void this.byKey.set(key, row);
    const mode = (BATCH_TABLES[this.name] as { onConflict?: string }).onConflict;
    if (mode === 'keep') return;
    for (let i = this.nKeys; i < row.length; i++)
      had[i] = mode === 'add' ? (had[i] as bigint) + (row[i] as bigint) : row[i];
  }

  rows(): Cell[][] {
    return this.nKeys ? [...this.byKey.values()].sort((a, b) => compareKeys(a, b, this.nKeys)) : this.plain;
  }
}

/**
 * Every row a batch of checked snapshots writes besides the snapshot rows themselves: the same
 * rows, with the same sums, that the per-snapshot path writes one statement at a time (see
 * BatchStore.writeOne); @nameKey gives a cgroup's key in cgroup_names. @combine: rows of one key
 * combined into one (for one statement per table; per-row statements take them as they come).
 */
export function batchTableRows(
  batch: KeyedSnapshot[],
  nameKey: (path: string, container: string) => bigint,
  combine: boolean,
): BatchTableRows {
  const t = Object.fromEntries(
    Object.keys(BATCH_TABLES).map((n) => [n, new TableRows(n as BatchTableName, combine)]),
  ) as Record<BatchTableName, TableRows>;
  for (const { run, c, snapKey } of batch) {
    const { runId, hostId, timeMs } = c.head;
    const hour = hourOf(timeMs);
    const ten = combine ? (timeMs / TEN_MINUTES_MS) * TEN_MINUTES_MS : null; // see BATCH_TABLES.tenMinuteProcesses
    // The run's and the host's totals are not rows: they ride in the updates of their runs and hosts
    // rows; the host-wide rollups are packed rows, added to by HostRollups.
    const packed = packDeltas(c.deltas);
    if (packed !== null) t.snapshotCounts.add([snapKey, packed]);
    const process = (pid: number, nr: number, comm: string, count: bigint) => {
      t.processes.add([snapKey, pid, nr, comm, count]);
      t.hourlyProcesses.add([hour, hostId, pid, comm, nr, count]);
      if (ten !== null) t.tenMinuteProcesses.add([ten, hostId, pid, comm, nr, count]);
    };
    if (run.processTopK > 0) {
      for (const p of c.processes.rows) process(p.pid, p.nr, p.comm, p.count);
      for (const [nr, rest] of c.processes.unexplained) if (rest > 0n) process(0, nr, 'other', rest);
    }
    const cgroup = (key: bigint, nr: number, count: bigint) => {
      t.cgroups.add([snapKey, key, nr, count]);
      t.hostCgroupTotals.add([hostId, key, nr, count]);
      t.hourlyCgroups.add([hour, hostId, key, nr, count]);
      if (ten !== null) t.tenMinuteCgroups.add([ten, hostId, key, nr, count]);
    };
    if (run.cgroupTopK > 0) {
      for (const g of c.cgroups.rows) cgroup(nameKey(g.path, g.container), g.nr, g.count);
      for (const [nr, rest] of c.cgroups.unexplained) if (rest > 0n) cgroup(0n, nr, rest);
    }
    for (const g of c.seen) for (const nr of g.nrs) t.seen.add([runId, nameKey(g.path, g.container), nr, timeMs]);
    for (const [nr, sub, delta, now] of c.failures) {
      t.failureDeltas.add([snapKey, nr, sub, delta]);
      t.failureTotals.add([runId, nr, sub, now]);
    }
    for (const [nr, sub, delta, now] of c.latency) {
      t.latencyDeltas.add([snapKey, nr, sub, delta]);
      t.latencyTotals.add([runId, nr, sub, now]);
    }
    for (const b of c.bpfPrograms) t.bpfPrograms.add([runId, b.program, b.runTimeNs, b.runCount]);
  }
  return Object.fromEntries(Object.entries(t).map(([n, rows]) => [n, rows.rows()])) as BatchTableRows;
}

/** The cgroup names a batch's rows refer to ("path\0container"), to resolve before batchTableRows. */
export function batchCgroupNames(batch: Array<Omit<KeyedSnapshot, 'snapKey'>>): Array<[string, string]> {
  const names = new Map<string, [string, string]>();
  for (const { run, c } of batch) {
    const groups = [...(run.cgroupTopK > 0 ? c.cgroups.rows : []), ...c.seen];
    for (const g of groups) names.set(`${g.path}\u0000${g.container}`, [g.path, g.container]);
  }
  // Sorted: a name new to two replicas at once is inserted by both (unique key), so in one order.
  return [...names.values()].sort((a, b) =>
    a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : +(a[1] > b[1]),
  );
}
