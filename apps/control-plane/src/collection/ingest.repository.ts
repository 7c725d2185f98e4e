import { Injectable } from '@nestjs/common';
import { Prepared, SqlRunner } from '../database/sql-runner';
import type { SumKind } from './store-sums';

const MAX_INT64 = (1n << 63n) - 1n;

/** Cumulative keyed rows stored as per-interval deltas: failures by (nr, errno), latency by (nr, bucket). */
export type Cumulative = 'failure' | 'latency';

/** [nr, subkey, interval delta, cumulative count]. */
export type CumulativeRow = [number, number, bigint, bigint];

export interface RunState {
  host_id: string;
  last_seq: bigint;
  unattributed: bigint;
  finished: bigint;
  started_ms: bigint;
}

export interface SnapshotHead {
  runId: string;
  seq: bigint;
  hostId: string;
  timeMs: bigint;
  total: bigint;
  unattributed: bigint;
}

const CUMULATIVE: Record<Cumulative, { totals: string; deltas: string; sub: string }> = {
  failure: { totals: 'failure_totals', deltas: 'failure_deltas', sub: 'errno_code' },
  latency: { totals: 'latency_totals', deltas: 'latency_deltas', sub: 'bucket' },
};

/**
 * Everything ingest writes, in statements prepared once: a snapshot's row, its deltas (with the
 * run's totals and the hourly rollups kept in step), its breakdown and cumulative rows, and the
 * run's progress. Callers run these inside transaction(): an ack is sent only after it commits.
 */
@Injectable()
export class IngestRepository {
  private readonly stmt: Record<string, Prepared>;

  constructor(private readonly sql: SqlRunner) {
    const p = (text: string) => sql.prepare(text);
    const upsert = sql.dialect.upsertCount;
    this.stmt = {
      run: p('SELECT host_id, last_seq, unattributed, finished, started_ms FROM runs WHERE run_id = ?'),
      totals: p('SELECT nr, count FROM run_totals WHERE run_id = ?'),
      putTotal: p(upsert('run_totals', ['run_id', 'nr'], 'replace')),
      putSnapshot: p(
        'INSERT INTO snapshots (run_id, seq, host_id, time_ms, total, unattributed) VALUES (?, ?, ?, ?, ?, ?) ' +
          'RETURNING snap_key',
      ),
      putDelta: p('INSERT INTO deltas (snap_key, nr, count) VALUES (?, ?, ?)'),
      addHourly: p(upsert('hourly_counts', ['hour_ms', 'host_id', 'nr'], 'add')),
      putProcess: p('INSERT INTO process_counts (snap_key, pid, nr, comm, count) VALUES (?, ?, ?, ?, ?)'),
      putCgroup: p('INSERT INTO cgroup_counts (snap_key, name_key, nr, count) VALUES (?, ?, ?, ?)'),
      cgroupName: p('SELECT name_key FROM cgroup_names WHERE path = ? AND container = ?'),
      putCgroupName: p('INSERT INTO cgroup_names (path, container) VALUES (?, ?) RETURNING name_key'),
      advanceRun: p('UPDATE runs SET last_seq = ?, last_seen_ms = ?, finished = ?, unattributed = ? WHERE run_id = ?'),
      touchHost: p('UPDATE hosts SET last_seen_ms = ? WHERE host_id = ?'),
    };
    for (const [kind, t] of Object.entries(CUMULATIVE)) {
      this.stmt[`${kind}Totals`] = p(`SELECT nr, ${t.sub} AS sub, count FROM ${t.totals} WHERE run_id = ?`);
      this.stmt[`${kind}PutTotal`] = p(upsert(t.totals, ['run_id', 'nr', t.sub], 'replace'));
      this.stmt[`${kind}PutDelta`] = p(`INSERT INTO ${t.deltas} (snap_key, nr, ${t.sub}, count) VALUES (?, ?, ?, ?)`);
    }
  }

  /** fn in one transaction (a savepoint when nested): committed when the returned function returns. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return this.sql.transaction(fn);
  }

  runState(runId: string): RunState | undefined {
    return this.stmt.run.get<RunState>(runId);
  }

  /** The whole store's sum of each kind of count (what the largest query could sum). */
  storeSums(): Record<SumKind, bigint> {
    const sum = (table: string) => {
      try {
        return this.sql.prepare(`SELECT COALESCE(SUM(count), 0) AS s FROM ${table}`).get<{ s: bigint }>()!.s;
      } catch {
        return MAX_INT64; // a store that overflowed before this check existed: accept no more
      }
    };
    return { counts: sum('run_totals'), failure: sum('failure_totals'), latency: sum('latency_totals') };
  }

  /** The run's cumulative counts per nr as of its last snapshot. */
  totals(runId: string): Map<number, bigint> {
    const rows = this.stmt.totals.all<{ nr: bigint; count: bigint }>(runId);
    return new Map(rows.map((t) => [Number(t.nr), t.count]));
  }

  /** The run's cumulative rows of a kind, keyed "nr:subkey". */
  cumulativeTotals(kind: Cumulative, runId: string): Map<string, bigint> {
    const rows = this.stmt[`${kind}Totals`].all<{ nr: bigint; sub: bigint; count: bigint }>(runId);
    return new Map(rows.map((t) => [`${t.nr}:${t.sub}`, t.count]));
  }

  /** The snapshot's row; returns its key, which its other rows carry. */
  putSnapshot(s: SnapshotHead): bigint {
    const row = this.stmt.putSnapshot.get<{ snap_key: bigint }>(
      s.runId,
      s.seq,
      s.hostId,
      s.timeMs,
      s.total,
      s.unattributed,
    );
    return row!.snap_key;
  }

  /** One syscall's interval delta, with the run's total and the host's hourly rollup kept in step. */
  putDelta(snapKey: bigint, s: SnapshotHead, hourMs: bigint, nr: number, delta: bigint, now: bigint): void {
    this.stmt.putDelta.run(snapKey, nr, delta);
    this.stmt.addHourly.run(hourMs, s.hostId, nr, delta);
    this.stmt.putTotal.run(s.runId, nr, now);
  }

  putProcess(snapKey: bigint, pid: number, nr: number, comm: string, count: bigint): void {
    this.stmt.putProcess.run(snapKey, pid, nr, comm, count);
  }

  /** A cgroup's calls of one syscall; path undefined for the "other" cgroup (name_key 0). */
  putCgroup(snapKey: bigint, name: { path: string; container: string } | undefined, nr: number, count: bigint): void {
    this.stmt.putCgroup.run(snapKey, name ? this.cgroupNameKey(name.path, name.container) : 0n, nr, count);
  }

  putCumulative(kind: Cumulative, runId: string, snapKey: bigint, rows: CumulativeRow[]): void {
    for (const [nr, sub, delta, now] of rows) {
      this.stmt[`${kind}PutDelta`].run(snapKey, nr, sub, delta);
      this.stmt[`${kind}PutTotal`].run(runId, nr, sub, now);
    }
  }

  /** The run's progress as of a stored snapshot, and its host's last contact. */
  advanceRun(runId: string, hostId: string, seq: bigint, nowMs: number, final: boolean, unattributed: bigint): void {
    this.stmt.advanceRun.run(seq, BigInt(nowMs), final ? 1n : 0n, unattributed, runId);
    this.stmt.touchHost.run(BigInt(nowMs), hostId);
  }

  private cgroupNameKey(path: string, container: string): bigint {
    const hit = this.stmt.cgroupName.get<{ name_key: bigint }>(path, container);
    return hit ? hit.name_key : this.stmt.putCgroupName.get<{ name_key: bigint }>(path, container)!.name_key;
  }
}
