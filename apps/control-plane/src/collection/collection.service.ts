import { status } from '@grpc/grpc-js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Hello, Snapshot } from '@syscall-counter/proto';
import type { Statement } from 'better-sqlite3';
import { HostsService } from '../hosts/hosts.service';
import { RunsService } from '../runs/runs.service';
import { SQLITE, SqliteHandle } from '../database/sqlite.token';
import { IngestError } from './ingest-error';
import {
  HOUR_MS,
  validateCgroups,
  validateFailures,
  validateHello,
  validateLatency,
  validateProcesses,
  validateSnapshot,
  validateUnattributed,
} from './snapshot-validation';

export interface OpenedRun {
  runId: string;
  hostId: string;
  lastAckedSeq: bigint;
  processTopK: number;
  cgroupTopK: number;
  errors: boolean;
  latency: boolean;
}

/** Cumulative keyed rows stored as per-interval deltas: failures by (nr, errno), latency by (nr, bucket). */
type Cumulative = 'failure' | 'latency';
const SUBKEY: Record<Cumulative, string> = { failure: 'errno_code', latency: 'bucket' };

export type IngestOutcome = 'stored' | 'duplicate';

interface PendingSnapshot {
  run: OpenedRun;
  snap: Snapshot;
  nowMs: number;
  resolve: (outcome: IngestOutcome) => void;
  reject: (err: unknown) => void;
}

@Injectable()
export class CollectionService {
  private readonly logger = new Logger(CollectionService.name);
  private readonly stmt: Record<string, Statement>;
  private readonly ingestTx: (run: OpenedRun, snap: Snapshot, nowMs: number) => IngestOutcome;
  private readonly batchTx: (batch: PendingSnapshot[]) => Array<{ ok?: IngestOutcome; err?: unknown }>;
  private pending: PendingSnapshot[] = [];
  private flushScheduled = false;

  constructor(
    private readonly hosts: HostsService,
    private readonly runs: RunsService,
    @Inject(SQLITE) private readonly db: SqliteHandle,
  ) {
    const prepare = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.stmt = {
      run: prepare('SELECT host_id, last_seq, unattributed FROM runs WHERE run_id = ?'),
      totals: prepare('SELECT nr, count FROM run_totals WHERE run_id = ?'),
      putTotal: prepare(
        'INSERT INTO run_totals (run_id, nr, count) VALUES (?, ?, ?) ON CONFLICT (run_id, nr) DO UPDATE SET count = excluded.count',
      ),
      putSnapshot: prepare(
        'INSERT INTO snapshots (run_id, seq, host_id, time_ms, total, unattributed) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      putDelta: prepare('INSERT INTO deltas (snap_key, nr, count) VALUES (?, ?, ?)'),
      putProcess: prepare('INSERT INTO process_counts (snap_key, pid, nr, comm, count) VALUES (?, ?, ?, ?, ?)'),
      failureTotals: prepare('SELECT nr, errno_code AS sub, count FROM failure_totals WHERE run_id = ?'),
      failurePutTotal: prepare(
        'INSERT INTO failure_totals (run_id, nr, errno_code, count) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, nr, errno_code) DO UPDATE SET count = excluded.count',
      ),
      failurePutDelta: prepare('INSERT INTO failure_deltas (snap_key, nr, errno_code, count) VALUES (?, ?, ?, ?)'),
      latencyTotals: prepare('SELECT nr, bucket AS sub, count FROM latency_totals WHERE run_id = ?'),
      latencyPutTotal: prepare(
        'INSERT INTO latency_totals (run_id, nr, bucket, count) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, nr, bucket) DO UPDATE SET count = excluded.count',
      ),
      latencyPutDelta: prepare('INSERT INTO latency_deltas (snap_key, nr, bucket, count) VALUES (?, ?, ?, ?)'),
      putCgroup: prepare('INSERT INTO cgroup_counts (snap_key, name_key, nr, count) VALUES (?, ?, ?, ?)'),
      cgroupName: prepare('SELECT name_key FROM cgroup_names WHERE path = ? AND container = ?'),
      putCgroupName: prepare('INSERT INTO cgroup_names (path, container) VALUES (?, ?)'),
      addHourly: prepare(
        'INSERT INTO hourly_counts (hour_ms, host_id, nr, count) VALUES (?, ?, ?, ?) ON CONFLICT (hour_ms, host_id, nr) DO UPDATE SET count = count + excluded.count',
      ),
      advanceRun: prepare(
        'UPDATE runs SET last_seq = ?, last_seen_ms = ?, finished = ?, unattributed = ? WHERE run_id = ?',
      ),
      touchHost: prepare('UPDATE hosts SET last_seen_ms = ? WHERE host_id = ?'),
    };
    // better-sqlite3 transactions are synchronous: when this returns, the snapshot is committed.
    this.ingestTx = db.transaction((run: OpenedRun, snap: Snapshot, nowMs: number) => this.store(run, snap, nowMs));
    // Group commit: one transaction for the snapshots of every stream that arrived in the same
    // event-loop turn. Each is stored in a savepoint of its own (a nested better-sqlite3
    // transaction), so one bad snapshot rolls back alone.
    this.batchTx = db.transaction((batch: PendingSnapshot[]) =>
      batch.map((p) => {
        try {
          return { ok: this.ingestTx(p.run, p.snap, p.nowMs) };
        } catch (err) {
          return { err };
        }
      }),
    );
  }

  async hello(h: Hello, nowMs = Date.now()): Promise<OpenedRun> {
    validateHello(h);
    const existing = await this.runs.find(h.runId);
    if (existing && existing.hostId !== h.hostId) {
      throw new IngestError(
        status.FAILED_PRECONDITION,
        `run '${h.runId}' belongs to host '${existing.hostId}', not '${h.hostId}'`,
      );
    }
    await this.hosts.seen(
      { hostId: h.hostId, hostname: h.hostname, kernelRelease: h.kernelRelease, arch: h.arch, bootId: h.bootId },
      nowMs,
    );
    const run = await this.runs.open(
      {
        runId: h.runId,
        hostId: h.hostId,
        hostname: h.hostname,
        arch: h.arch,
        kernelRelease: h.kernelRelease,
        bootId: h.bootId,
        agentVersion: h.agentVersion,
        mapMode: h.mapMode,
        intervalMs: h.intervalMs,
        scope: h.scope,
        processTopK: h.processTopK,
        cgroupTopK: h.cgroupTopK,
        errors: h.errors,
        latency: h.latency,
        startedMs: Number(h.runStartedUnixMs) || nowMs,
      },
      nowMs,
    );
    this.logger.log({ msg: 'run opened', runId: run.runId, hostId: run.hostId, lastSeq: run.lastSeq });
    return {
      runId: run.runId,
      hostId: run.hostId,
      lastAckedSeq: BigInt(run.lastSeq),
      processTopK: run.processTopK,
      cgroupTopK: run.cgroupTopK,
      errors: run.errors,
      latency: run.latency,
    };
  }

  /**
   * Stores one snapshot exactly once (a repeat of a stored seq is a no-op the caller still acks),
   * committed together with the other snapshots of this turn: resolves after the commit.
   */
  ingestBatched(run: OpenedRun, snap: Snapshot): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ run, snap, nowMs: Date.now(), resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0);
    let results: Array<{ ok?: IngestOutcome; err?: unknown }>;
    try {
      results = this.batchTx(batch);
    } catch (err) {
      batch.forEach((p) => p.reject(err)); // the commit itself failed: nothing was stored
      return;
    }
    batch.forEach((p, i) => (results[i].err !== undefined ? p.reject(results[i].err) : p.resolve(results[i].ok!)));
  }

  /** The interval's [nr, subkey, delta, cumulative] of a kind of cumulative rows, checked to never go backwards. */
  private cumulativeDeltas(
    kind: Cumulative,
    run: OpenedRun,
    now: Map<string, bigint>,
    seq: bigint,
  ): Array<[number, number, bigint, bigint]> {
    const before = new Map<string, bigint>();
    for (const t of this.stmt[`${kind}Totals`].all(run.runId) as Array<{ nr: bigint; sub: bigint; count: bigint }>) {
      before.set(`${t.nr}:${t.sub}`, t.count);
    }
    for (const [key, was] of before) {
      if ((now.get(key) ?? 0n) < was) {
        const [nr, sub] = key.split(':');
        throw new IngestError(
          status.FAILED_PRECONDITION,
          `${kind} of nr ${nr}, ${SUBKEY[kind]} ${sub} went backwards in run '${run.runId}' at seq ${seq}: ${was} -> ${now.get(key) ?? 0n}`,
        );
      }
    }
    const out: Array<[number, number, bigint, bigint]> = [];
    for (const [key, c] of now) {
      const delta = c - (before.get(key) ?? 0n);
      const [nr, sub] = key.split(':').map(Number);
      if (delta > 0n) out.push([nr, sub, delta, c]);
    }
    return out;
  }

  private putCumulative(
    kind: Cumulative,
    run: OpenedRun,
    snapKey: number | bigint,
    rows: Array<[number, number, bigint, bigint]>,
  ): void {
    for (const [nr, sub, delta, now] of rows) {
      this.stmt[`${kind}PutDelta`].run(snapKey, nr, sub, delta);
      this.stmt[`${kind}PutTotal`].run(run.runId, nr, sub, now);
    }
  }

  private cgroupNameKey(path: string, container: string): bigint {
    const hit = this.stmt.cgroupName.get(path, container) as { name_key: bigint } | undefined;
    return hit ? hit.name_key : BigInt(this.stmt.putCgroupName.run(path, container).lastInsertRowid);
  }

  private store(run: OpenedRun, snap: Snapshot, nowMs: number): IngestOutcome {
    const cumulative = validateSnapshot(snap, run.runId);
    const seq = BigInt(snap.seq);
    const row = this.stmt.run.get(run.runId) as { host_id: string; last_seq: bigint; unattributed: bigint } | undefined;
    if (!row) throw new IngestError(status.NOT_FOUND, `unknown run '${run.runId}'`);
    if (seq <= row.last_seq) return 'duplicate';

    const previous = new Map<number, bigint>();
    for (const t of this.stmt.totals.all(run.runId) as Array<{ nr: bigint; count: bigint }>) {
      previous.set(Number(t.nr), t.count);
    }
    for (const [nr, before] of previous) {
      const now = cumulative.get(nr) ?? 0n;
      if (now < before) {
        throw new IngestError(
          status.FAILED_PRECONDITION,
          `counter of nr ${nr} went backwards in run '${run.runId}' at seq ${seq}: ${before} -> ${now}`,
        );
      }
    }
    const timeMs = BigInt(snap.timeUnixMs) || BigInt(nowMs);
    const hourMs = timeMs - (timeMs % HOUR_MS);
    const deltas: Array<[number, bigint, bigint]> = [];
    let total = 0n;
    for (const [nr, now] of cumulative) {
      const delta = now - (previous.get(nr) ?? 0n);
      if (delta === 0n) continue;
      total += delta;
      deltas.push([nr, delta, now]);
    }
    const unattributed = validateUnattributed(snap, row.unattributed, total);
    const processes = validateProcesses(snap, deltas);
    const cgroups = validateCgroups(snap, deltas);
    const failures = run.errors ? this.cumulativeDeltas('failure', run, validateFailures(snap), seq) : [];
    const latency = run.latency ? this.cumulativeDeltas('latency', run, validateLatency(snap), seq) : [];
    const snapKey = this.stmt.putSnapshot.run(
      run.runId,
      seq,
      run.hostId,
      timeMs,
      total,
      unattributed - row.unattributed,
    ).lastInsertRowid;
    for (const [nr, delta, now] of deltas) {
      this.stmt.putDelta.run(snapKey, nr, delta);
      this.stmt.addHourly.run(hourMs, run.hostId, nr, delta);
      this.stmt.putTotal.run(run.runId, nr, now);
    }
    if (run.processTopK > 0) {
      for (const p of processes.rows) this.stmt.putProcess.run(snapKey, p.pid, p.nr, p.comm, p.count);
      for (const [nr, rest] of processes.unexplained)
        if (rest > 0n) this.stmt.putProcess.run(snapKey, 0, nr, 'other', rest);
    }
    if (run.cgroupTopK > 0) {
      for (const g of cgroups.rows)
        this.stmt.putCgroup.run(snapKey, this.cgroupNameKey(g.path, g.container), g.nr, g.count);
      for (const [nr, rest] of cgroups.unexplained) if (rest > 0n) this.stmt.putCgroup.run(snapKey, 0n, nr, rest);
    }
    this.putCumulative('failure', run, snapKey, failures);
    this.putCumulative('latency', run, snapKey, latency);
    this.stmt.advanceRun.run(seq, BigInt(nowMs), snap.final ? 1n : 0n, unattributed, run.runId);
    this.stmt.touchHost.run(BigInt(nowMs), run.hostId);
    return 'stored';
  }
}
