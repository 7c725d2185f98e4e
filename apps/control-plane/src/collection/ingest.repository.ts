import { Injectable } from '@nestjs/common';
import { hourOf } from '../database/hourly-rollups';
import { Prepared, SqlRunner } from '../database/sql-runner';
import { BpfProgramRow } from './bpf-programs';
import { packDeltas } from './packed-deltas';
import { packTotals, unpackTotals } from './packed-totals';
import type { RunProgress } from './run-progress';
import type { SumKind } from './store-sums';

const MAX_INT64 = (1n << 63n) - 1n;

/** Cumulative keyed rows stored as per-interval deltas: failures by (nr, errno), latency by (nr, bucket). */
export type Cumulative = 'failure' | 'latency';

/** [nr, subkey, interval delta, cumulative count]. */
export type CumulativeRow = [number, number, bigint, bigint];

/** A run's stored progress, as both ingest paths read it. */
export interface RunState {
  host_id: string;
  last_seq: bigint;
  unattributed: bigint;
  finished: bigint | boolean;
  started_ms: bigint;
  totals: string | null;
}

export interface SnapshotHead {
  runId: string;
  seq: bigint;
  hostId: string;
  timeMs: bigint;
  total: bigint;
  unattributed: bigint;
}

/** A host's all-runs counts per syscall (what /metrics serves) and their sum (null: none yet). */
export interface HostTotals {
  totals: Map<number, bigint>;
  calls: bigint | null;
}

/** A host's row as locked, its totals still packed (packTotals). */
export interface LockedHost {
  packed: string | null;
  calls: bigint | null;
}

/** Adds a stored snapshot's [nr, delta, ...] rows to its host's totals. */
export function addToHost(h: HostTotals, deltas: Array<[number, bigint, ...unknown[]]>): void {
  for (const [nr, delta] of deltas) {
    h.totals.set(nr, (h.totals.get(nr) ?? 0n) + delta);
    h.calls = (h.calls ?? 0n) + delta;
  }
}

export interface CgroupName {
  path: string;
  container: string;
}

const CUMULATIVE: Record<Cumulative, { totals: string; deltas: string; sub: string }> = {
  failure: { totals: 'failure_totals', deltas: 'failure_deltas', sub: 'errno_code' },
  latency: { totals: 'latency_totals', deltas: 'latency_deltas', sub: 'bucket' },
};

/**
 * Everything ingest writes, in statements prepared once: a snapshot's row, its deltas, its
 * breakdown rows (with their hourly rollups kept in step) and cumulative rows, and the run's
 * progress (the run's totals in its row; the host-wide rollups go once per batch: HostRollups).
 * Callers run these inside transaction(): an ack is sent only after it commits.
 */
@Injectable()
export class IngestRepository {
  private readonly stmt: Record<string, Prepared>;

  constructor(private readonly sql: SqlRunner) {
    const p = (text: string) => sql.prepare(text);
    const upsert = sql.dialect.upsertCount;
    this.stmt = {
      run: p(
        'SELECT host_id, last_seq, unattributed, finished, started_ms, totals FROM runs WHERE run_id = ?' +
          sql.dialect.forUpdate(),
      ),
      putSnapshot: p(
        'INSERT INTO snapshots (run_id, seq, host_id, time_ms, total, unattributed) VALUES (?, ?, ?, ?, ?, ?) ' +
          'RETURNING snap_key',
      ),
      putCounts: p(`INSERT INTO snapshot_counts (snap_key, counts) VALUES (?, ${sql.dialect.packedValue()})`),
      putProcess: p('INSERT INTO process_counts (snap_key, pid, nr, comm, count) VALUES (?, ?, ?, ?, ?)'),
      addHourlyProcess: p(upsert('hourly_process_counts', ['hour_ms', 'host_id', 'pid', 'comm', 'nr'], 'add')),
      putCgroup: p('INSERT INTO cgroup_counts (snap_key, name_key, nr, count) VALUES (?, ?, ?, ?)'),
      addHostCgroupTotal: p(upsert('host_cgroup_totals', ['host_id', 'name_key', 'nr'], 'add')),
      addHourlyCgroup: p(upsert('hourly_cgroup_counts', ['hour_ms', 'host_id', 'name_key', 'nr'], 'add')),
      cgroupName: p('SELECT name_key FROM cgroup_names WHERE path = ? AND container = ?'),
      // Another replica may insert the same name at once: the loser waits for its commit, then reads it.
      putCgroupName: p(
        'INSERT INTO cgroup_names (path, container) VALUES (?, ?) ON CONFLICT (path, container) DO NOTHING ' +
          'RETURNING name_key',
      ),
      advanceRun: p(
        'UPDATE runs SET last_seq = ?, last_seen_ms = ?, finished = ?, unattributed = ?, totals = ?, ' +
          `last_hour_ms = ${sql.dialect.greatest('last_hour_ms', '?')}, ` +
          `last_ms = ${sql.dialect.greatest('last_ms', '?')} WHERE run_id = ?`,
      ),
      touchHost: p('UPDATE hosts SET last_seen_ms = ? WHERE host_id = ?'),
      putBpfProgram: p(
        'INSERT INTO bpf_program_totals (run_id, program, run_time_ns, run_count) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (run_id, program) DO UPDATE ' +
          'SET run_time_ns = excluded.run_time_ns, run_count = excluded.run_count',
      ),
    };
    const hosts = sql.dialect.arrayRows(['text']);
    // ORDER BY before FOR UPDATE: the rows are locked as the sort returns them, in host_id order.
    this.stmt.lockHosts = p(
      'SELECT host_id, totals, calls FROM hosts WHERE host_id ' +
        (hosts ? `IN (SELECT * FROM ${hosts}) ORDER BY host_id FOR UPDATE` : '= ?'),
    );
    // The one-statement batch's read (PostgreSQL): no lock, its write compares the text instead.
    this.stmt.readHosts = p(
      `SELECT host_id, totals, calls FROM hosts WHERE host_id ${hosts ? `IN (SELECT * FROM ${hosts})` : '= ?'}`,
    );
    this.stmt.putHostTotals = p('UPDATE hosts SET totals = ?, calls = ? WHERE host_id = ?');
    for (const [kind, t] of Object.entries(CUMULATIVE)) {
      this.stmt[`${kind}Totals`] = p(`SELECT nr, ${t.sub} AS sub, count FROM ${t.totals} WHERE run_id = ?`);
      this.stmt[`${kind}PutTotal`] = p(upsert(t.totals, ['run_id', 'nr', t.sub], 'replace'));
      this.stmt[`${kind}PutDelta`] = p(`INSERT INTO ${t.deltas} (snap_key, nr, ${t.sub}, count) VALUES (?, ?, ?, ?)`);
    }
  }

  /** How many batches may be committing at once (see SqlRunner). */
  get concurrentTransactions(): number {
    return this.sql.concurrentTransactions;
  }

  /** fn in one transaction: resolves after the commit. */
  transaction<R>(fn: () => Promise<R>): Promise<R> {
    return this.sql.transaction(fn);
  }

  /** fn in a savepoint of the running transaction: its failure rolls back its writes alone. */
  savepoint<R>(fn: () => Promise<R>): Promise<R> {
    return this.sql.savepoint(fn);
  }

  /**
   * Locks the rows of @hostIds in host_id order, first thing in an ingest transaction (both paths),
   * where replicas share the database: every other row a batch locks (its runs, the hourly and
   * ten-minute rollups, the host's totals) belongs to one of its hosts, so two transactions that could
   * meet on any row meet first on a host row, taken by both in one order: they wait, never deadlock.
   * (Before, hosts were locked mid-statement, in the plan's order, and the per-snapshot path locked
   * them after the rollups: see docs/DATABASE-ENGINES.md.) Returns their all-runs totals as locked:
   * the transaction adds its snapshots' deltas in JS and writes them back before its commit, which
   * is exact with several replicas because the row stays locked from this read to that commit.
   * SQLite serialises writers: no lock, the same read.
   */
  async lockHosts(hostIds: string[]): Promise<Map<string, HostTotals>> {
    const locked = await this.lockHostsPacked(hostIds);
    return new Map([...locked].map(([id, h]) => [id, { totals: unpackTotals(h.packed), calls: h.calls }]));
  }

  /** lockHosts, the totals left packed: the batched path adds to the text (addToPacked). */
  async lockHostsPacked(hostIds: string[], lock = true): Promise<Map<string, LockedHost>> {
    const ids = [...new Set(hostIds)].sort();
    const rows: Array<{ host_id: string; totals: string | null; calls: bigint | null }> = [];
    const stmt = lock ? this.stmt.lockHosts : this.stmt.readHosts;
    if (this.sql.dialect.arrayRows(['text'])) rows.push(...(await stmt.all<(typeof rows)[0]>(ids)));
    else for (const id of ids) rows.push(...(await stmt.all<(typeof rows)[0]>(id)));
    return new Map(rows.map((r) => [r.host_id, { packed: r.totals, calls: r.calls }]));
  }

  /** The hosts' rows as stored, without a lock (PostgreSQL's one-statement batch). */
  readHostsPacked(hostIds: string[]): Promise<Map<string, LockedHost>> {
    return this.lockHostsPacked(hostIds, false);
  }

  /** The hosts' all-runs totals (the fallback's: the batched path writes them with its heads). */
  async putHostTotals(hosts: Map<string, HostTotals>): Promise<void> {
    for (const [id, h] of hosts) await this.stmt.putHostTotals.run(packTotals(h.totals), h.calls, id);
  }

  /**
   * The run's progress as stored, its row locked until commit where replicas may ingest the same
   * run at once (its cumulative failures and latency read only for runs that send them).
   */
  async lockedProgress(run: { runId: string; errors: boolean; latency: boolean }): Promise<RunProgress | undefined> {
    const s = await this.stmt.run.get<RunState>(run.runId);
    if (!s) return undefined;
    return {
      hostId: s.host_id,
      lastSeq: s.last_seq,
      unattributed: s.unattributed,
      finished: !!s.finished,
      startedMs: s.started_ms,
      totals: unpackTotals(s.totals),
      failure: run.errors ? await this.cumulativeTotals('failure', run.runId) : new Map(),
      latency: run.latency ? await this.cumulativeTotals('latency', run.runId) : new Map(),
    };
  }

  /** The whole store's sum of each kind of count (what the largest query could sum). */
  async storeSums(): Promise<Record<SumKind, bigint>> {
    const sum = async (table: string) => {
      try {
        const row = await this.sql.prepare(`SELECT COALESCE(SUM(count), 0) AS s FROM ${table}`).get<{ s: bigint }>();
        return BigInt(row!.s);
      } catch {
        return MAX_INT64; // a store that overflowed before this check existed: accept no more
      }
    };
    return {
      counts: await sum('run_totals'),
      failure: await sum('failure_totals'),
      latency: await sum('latency_totals'),
    };
  }

  /** The run's cumulative rows of a kind, keyed "nr:subkey". */
  async cumulativeTotals(kind: Cumulative, runId: string): Promise<Map<string, bigint>> {
    const rows = await this.stmt[`${kind}Totals`].all<{ nr: bigint; sub: bigint; count: bigint }>(runId);
    return new Map(rows.map((t) => [`${t.nr}:${t.sub}`, t.count]));
  }

  /** The snapshot's row; returns its key, which its other rows carry. */
  async putSnapshot(s: SnapshotHead): Promise<bigint> {
    const row = await this.stmt.putSnapshot.get<{ snap_key: bigint }>(
      s.runId,
      s.seq,
      s.hostId,
      s.timeMs,
      s.total,
      s.unattributed,
    );
    return row!.snap_key;
  }

  /**
   * A snapshot's [nr, delta, cumulative] rows, packed into its one snapshot_counts row (none when
   * the interval counted nothing). The run's total goes with advanceRun, the host's with
   * putHostTotals, its rollups with HostRollups.
   */
  async putDeltas(snapKey: bigint, deltas: Array<[number, bigint, bigint]>) {
    const packed = packDeltas(deltas);
    if (packed !== null) await this.stmt.putCounts.run(snapKey, packed);
  }

  /**
   * A process's calls of one syscall, with the host's hourly per-process rollup kept in step (an
   * atomic add: exact when two replicas ingest the same host at once).
   */
  async putProcess(s: SnapshotHead, snapKey: bigint, pid: number, nr: number, comm: string, count: bigint) {
    await this.stmt.putProcess.run(snapKey, pid, nr, comm, count);
    await this.stmt.addHourlyProcess.run(hourOf(s.timeMs), s.hostId, pid, comm, nr, count);
  }

  /**
   * A cgroup's calls of one syscall; path undefined for the "other" cgroup (name_key 0). The host's
   * all-runs total per cgroup (what /metrics' per-container series read) and its hourly per-cgroup
   * rollup are kept in step.
   */
  async putCgroup(s: SnapshotHead, snapKey: bigint, name: CgroupName | undefined, nr: number, count: bigint) {
    const key = name ? await this.cgroupNameKey(name.path, name.container) : 0n;
    await this.stmt.putCgroup.run(snapKey, key, nr, count);
    await this.stmt.addHostCgroupTotal.run(s.hostId, key, nr, count);
    await this.stmt.addHourlyCgroup.run(hourOf(s.timeMs), s.hostId, key, nr, count);
  }

  async putCumulative(kind: Cumulative, runId: string, snapKey: bigint, rows: CumulativeRow[]): Promise<void> {
    for (const [nr, sub, delta, now] of rows) {
      await this.stmt[`${kind}PutDelta`].run(snapKey, nr, sub, delta);
      await this.stmt[`${kind}PutTotal`].run(runId, nr, sub, now);
    }
  }

  /** The run's progress (its totals packed in its row) as of a stored snapshot, and its host's last contact. */
  async advanceRun(runId: string, hostId: string, nowMs: number, p: RunProgress, timeMs: bigint) {
    const fin = p.finished ? 1n : 0n;
    const totals = packTotals(p.totals);
    const hourMs = hourOf(timeMs);
    await this.stmt.advanceRun.run(p.lastSeq, BigInt(nowMs), fin, p.unattributed, totals, hourMs, timeMs, runId);
    await this.stmt.touchHost.run(BigInt(nowMs), hostId);
  }

  /** The run's BPF programs' statistics as of this snapshot (cumulative: replaced). */
  async putBpfPrograms(runId: string, rows: BpfProgramRow[]): Promise<void> {
    for (const r of rows) await this.stmt.putBpfProgram.run(runId, r.program, r.runTimeNs, r.runCount);
  }

  /** The key of a cgroup name in cgroup_names, added if new (another replica may add it at once). */
  async cgroupNameKey(path: string, container: string): Promise<bigint> {
    const hit = await this.stmt.cgroupName.get<{ name_key: bigint }>(path, container);
    if (hit) return hit.name_key;
    const added = await this.stmt.putCgroupName.get<{ name_key: bigint }>(path, container);
    return (added ?? (await this.stmt.cgroupName.get<{ name_key: bigint }>(path, container)))!.name_key;
  }
}
