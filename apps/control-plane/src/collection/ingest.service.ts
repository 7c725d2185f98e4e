import { Injectable, Logger } from '@nestjs/common';
import type { Hello, Snapshot } from '@syscall-counter/proto';
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from '../common/domain-errors';
import { hourOf } from '../database/hourly-rollups';
import { lostRace, RACE_RETRIES } from '../database/lost-races';
import { StoredSnapshot, TenMinuteRollups } from '../database/ten-minute-rollups';
import { HostsRunsRepository } from '../hosts-runs/hosts-runs.repository';
import type { Run } from '../hosts-runs/run.entity';
import { validateSeen } from '../syscall-sets/seen-validation';
import { SyscallSetsRepository } from '../syscall-sets/syscall-sets.repository';
import { validateBpfPrograms } from './bpf-programs';
import { GroupCommit } from './group-commit';
import { Cumulative, CumulativeRow, IngestRepository, RunState, SnapshotHead } from './ingest.repository';
import {
  validateCgroups,
  validateFailures,
  validateHello,
  validateLatency,
  snapshotTime,
  validateProcesses,
  validateSnapshot,
  validateUnattributed,
} from './snapshot-validation';
import { StoreSums } from './store-sums';

export interface OpenedRun {
  runId: string;
  hostId: string;
  lastAckedSeq: bigint;
  processTopK: number;
  cgroupTopK: number;
  errors: boolean;
  latency: boolean;
}

export type IngestOutcome = 'stored' | 'duplicate';

interface Pending {
  run: OpenedRun;
  snap: Snapshot;
  nowMs: number;
}

/** A stored run is taken up again only by the agent start that opened it (same host, boot and start). */
function checkSameAgent(existing: Run | null, h: Hello): void {
  if (existing && existing.hostId !== h.hostId)
    throw new FailedPreconditionError(`run '${h.runId}' belongs to host '${existing.hostId}', not '${h.hostId}'`);
  // A reconnect names the same boot and start; anything else is another agent start reusing the id.
  const started = Number(h.runStartedUnixMs);
  if (existing && (existing.bootId !== h.bootId || (started && Number(existing.startedMs) !== started)))
    throw new AlreadyExistsError(
      `run '${h.runId}' exists from another agent start (boot ${existing.bootId}, started ${existing.startedMs}): ` +
        'give this run another --run-id',
    );
}

/**
 * The order a batch is stored in: by host, run and seq, so that concurrent transactions (replicas
 * on one PostgreSQL) take the row locks of runs and hourly rollups in one order and rarely deadlock.
 */
function lockOrder(batch: Pending[]): number[] {
  const key = (p: Pending) => [p.run.hostId, p.run.runId] as const;
  return batch
    .map((_, i) => i)
    .sort((i, j) => {
      const [a, b] = [key(batch[i]), key(batch[j])];
      if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
      if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
      return i - j; // a run's snapshots stay in arrival order
    });
}

/** The snapshots of a batch that were stored (not refused, not repeats): what the ten-minute rollups add. */
function storedOf(batch: Pending[], outcomes: Array<{ ok: IngestOutcome } | { err: unknown }>): StoredSnapshot[] {
  return batch
    .filter((_, i) => 'ok' in outcomes[i] && outcomes[i].ok === 'stored')
    .map((p) => ({
      runId: p.run.runId,
      seq: BigInt(p.snap.seq),
      processes: p.run.processTopK > 0,
      cgroups: p.run.cgroupTopK > 0,
    }));
}

const SUBKEY: Record<Cumulative, string> = { failure: 'errno_code', latency: 'bucket' };

interface CheckContext {
  cumulative: Map<number, bigint>;
  seq: bigint;
  state: RunState;
  nowMs: number;
}

/** A snapshot that passed every check: what store() writes. */
interface CheckedSnapshot {
  head: SnapshotHead;
  deltas: Array<[number, bigint, bigint]>;
  unattributed: bigint; // cumulative
  processes: ReturnType<typeof validateProcesses>;
  cgroups: ReturnType<typeof validateCgroups>;
  failures: CumulativeRow[];
  latency: CumulativeRow[];
  seen: ReturnType<typeof validateSeen>;
  bpfPrograms: ReturnType<typeof validateBpfPrograms>;
}

/**
 * Collect's work: a hello opens (or reopens) a run; each snapshot of cumulative counters is
 * checked against the run's previous one and stored as the interval's deltas, exactly once.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly commits: GroupCommit<Pending, IngestOutcome>;
  private readonly sums: StoreSums;

  constructor(
    private readonly hostsRuns: HostsRunsRepository,
    private readonly repo: IngestRepository,
    private readonly syscallSets: SyscallSetsRepository,
    tenMinutes: TenMinuteRollups,
  ) {
    // One transaction per batch, each snapshot in a savepoint that rolls back alone; the
    // outcomes are handed out only after the batch's commit.
    const storeBatch = (batch: Pending[]) =>
      repo.transaction(async () => {
        const outcomes: Array<{ ok: IngestOutcome } | { err: unknown }> = new Array(batch.length);
        for (const i of lockOrder(batch)) {
          const p = batch[i];
          try {
            outcomes[i] = { ok: await repo.savepoint(() => this.store(p.run, p.snap, p.nowMs)) };
          } catch (err) {
            outcomes[i] = { err };
          }
        }
        await tenMinutes.add(storedOf(batch, outcomes));
        return outcomes;
      });
    this.commits = new GroupCommit(storeBatch, repo.concurrentTransactions);
    this.sums = new StoreSums(() => repo.storeSums());
  }

  async hello(h: Hello, nowMs = Date.now()): Promise<OpenedRun> {
    validateHello(h);
    checkSameAgent(await this.hostsRuns.findRun(h.runId), h);
    const { hostId, hostname, kernelRelease, arch, bootId } = h;
    await this.hostsRuns.saveHost({ hostId, hostname, kernelRelease, arch, bootId }, nowMs);
    const run = await this.hostsRuns.openRun(
      {
        runId: h.runId,
        hostId,
        hostname,
        arch,
        kernelRelease,
        bootId,
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
    // Another agent's first hello with this run id may have reached another replica first.
    checkSameAgent(run, h);
    this.logger.log({ msg: 'run opened', runId: run.runId, hostId: run.hostId, lastSeq: run.lastSeq });
    const { runId, processTopK, cgroupTopK, errors, latency } = run;
    return { runId, hostId: run.hostId, lastAckedSeq: BigInt(run.lastSeq), processTopK, cgroupTopK, errors, latency };
  }

  /**
   * Stores one snapshot exactly once (a repeat of a stored seq is a no-op the caller still acks),
   * committed together with the other snapshots of this turn: resolves after the commit.
   */
  async ingest(run: OpenedRun, snap: Snapshot): Promise<IngestOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commits.submit({ run, snap, nowMs: Date.now() });
      } catch (err) {
        // Another replica's transaction won a race (PostgreSQL): the next batch, after it, succeeds
        // or finds the snapshot stored and acks it as a duplicate.
        if (!lostRace(err) || attempt >= RACE_RETRIES) throw err;
      }
    }
  }

  /** One snapshot: checked in full against the run's stored state, then written; nothing is written on a refusal. */
  private async store(run: OpenedRun, snap: Snapshot, nowMs: number): Promise<IngestOutcome> {
    const cumulative = validateSnapshot(snap, run.runId);
    const seq = BigInt(snap.seq);
    const state = await this.openState(run, seq);
    if (!state) return 'duplicate';
    const checked = await this.check(run, snap, { cumulative, seq, state, nowMs });
    const sumOf = (rows: CumulativeRow[]) => rows.reduce((a, r) => a + r[2], 0n);
    await this.sums.add({
      counts: checked.head.total,
      failure: sumOf(checked.failures),
      latency: sumOf(checked.latency),
    });
    await this.write(run, checked);
    await this.repo.advanceRun(run.runId, run.hostId, seq, nowMs, snap.final, checked.unattributed);
    return 'stored';
  }

  /** The run's stored state when @seq is new for it; undefined for a repeat (acked, not stored again). */
  private async openState(run: OpenedRun, seq: bigint): Promise<RunState | undefined> {
    const state = await this.repo.runState(run.runId);
    if (!state) throw new NotFoundError(`unknown run '${run.runId}'`);
    if (seq <= state.last_seq) return undefined;
    if (state.finished)
      throw new FailedPreconditionError(
        `run '${run.runId}' is finished (its final snapshot was seq ${state.last_seq})`,
      );
    return state;
  }

  /** Every part of the snapshot validated and turned into the interval's rows, in the order they are checked. */
  private async check(run: OpenedRun, snap: Snapshot, at: CheckContext): Promise<CheckedSnapshot> {
    const { cumulative, seq, state, nowMs } = at;
    const timeMs = snapshotTime(snap, Number(state.started_ms), nowMs);
    const { deltas, total } = await this.intervalDeltas(run.runId, seq, cumulative);
    const unattributed = validateUnattributed(snap, state.unattributed, total);
    const processes = validateProcesses(snap, deltas);
    const cgroups = validateCgroups(snap, deltas);
    const failures = run.errors ? await this.cumulativeDeltas('failure', run, validateFailures(snap), seq) : [];
    const latency = run.latency ? await this.cumulativeDeltas('latency', run, validateLatency(snap), seq) : [];
    const seen = validateSeen(snap);
    const bpfPrograms = validateBpfPrograms(snap);
    const head: SnapshotHead = {
      runId: run.runId,
      seq,
      hostId: run.hostId,
      timeMs,
      total,
      unattributed: unattributed - state.unattributed,
    };
    return { head, deltas, unattributed, processes, cgroups, failures, latency, seen, bpfPrograms };
  }

  /** The checked snapshot's rows: its head, deltas, busiest processes and cgroups, and the rest. */
  private async write(run: OpenedRun, c: CheckedSnapshot): Promise<void> {
    const { head } = c;
    const snapKey = await this.repo.putSnapshot(head);
    await this.repo.putDeltas(snapKey, head, hourOf(head.timeMs), c.deltas);
    if (run.processTopK > 0) {
      for (const p of c.processes.rows) await this.repo.putProcess(head, snapKey, p.pid, p.nr, p.comm, p.count);
      for (const [nr, rest] of c.processes.unexplained)
        if (rest > 0n) await this.repo.putProcess(head, snapKey, 0, nr, 'other', rest);
    }
    if (run.cgroupTopK > 0) {
      for (const g of c.cgroups.rows) await this.repo.putCgroup(head, snapKey, g, g.nr, g.count);
      for (const [nr, rest] of c.cgroups.unexplained)
        if (rest > 0n) await this.repo.putCgroup(head, snapKey, undefined, nr, rest);
    }
    for (const g of c.seen) await this.syscallSets.putSeen(run.runId, g, g.nrs, head.timeMs);
    await this.repo.putCumulative('failure', run.runId, snapKey, c.failures);
    await this.repo.putCumulative('latency', run.runId, snapKey, c.latency);
    await this.repo.putBpfPrograms(run.runId, c.bpfPrograms);
  }

  /** The interval's [nr, delta, cumulative] per syscall and their sum, checked to never go backwards. */
  private async intervalDeltas(runId: string, seq: bigint, cumulative: Map<number, bigint>) {
    const previous = await this.repo.totals(runId);
    for (const [nr, before] of previous) {
      const now = cumulative.get(nr) ?? 0n;
      if (now < before)
        throw new FailedPreconditionError(
          `counter of nr ${nr} went backwards in run '${runId}' at seq ${seq}: ${before} -> ${now}`,
        );
    }
    const deltas: Array<[number, bigint, bigint]> = [];
    let total = 0n;
    for (const [nr, now] of cumulative) {
      const delta = now - (previous.get(nr) ?? 0n);
      if (delta === 0n) continue;
      total += delta;
      deltas.push([nr, delta, now]);
    }
    deltas.sort((x, y) => x[0] - y[0]); // rollup rows locked in one order by every writer
    return { deltas, total };
  }

  /** The interval's rows of a kind of cumulative data, checked to never go backwards. */
  private async cumulativeDeltas(
    kind: Cumulative,
    run: OpenedRun,
    now: Map<string, bigint>,
    seq: bigint,
  ): Promise<CumulativeRow[]> {
    const before = await this.repo.cumulativeTotals(kind, run.runId);
    for (const [key, was] of before) {
      if ((now.get(key) ?? 0n) >= was) continue;
      const [nr, sub] = key.split(':');
      throw new FailedPreconditionError(
        `${kind} of nr ${nr}, ${SUBKEY[kind]} ${sub} went backwards in run '${run.runId}' at seq ${seq}: ` +
          `${was} -> ${now.get(key) ?? 0n}`,
      );
    }
    const out: CumulativeRow[] = [];
    for (const [key, c] of now) {
      const delta = c - (before.get(key) ?? 0n);
      const [nr, sub] = key.split(':').map(Number);
      if (delta > 0n) out.push([nr, sub, delta, c]);
    }
    return out;
  }
}
