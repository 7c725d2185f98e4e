import type { Snapshot } from '@syscall-counter/proto';
import { FailedPreconditionError, NotFoundError } from '../common/domain-errors';
import { validateSeen } from '../syscall-sets/seen-validation';
import { validateBpfPrograms } from './bpf-programs';
import type { Cumulative, CumulativeRow, SnapshotHead } from './ingest.repository';
import type { RunProgress } from './run-progress';
import {
  snapshotTime,
  validateCgroups,
  validateFailures,
  validateLatency,
  validateProcesses,
  validateSnapshot,
  validateUnattributed,
} from './snapshot-validation';

/** What a snapshot is checked against: its run's options (from the hello). */
export interface RunOptions {
  runId: string;
  hostId: string;
  processTopK: number;
  cgroupTopK: number;
  errors: boolean;
  latency: boolean;
}

/** A snapshot that passed every check: the rows either write path stores. */
export interface CheckedSnapshot {
  head: SnapshotHead;
  deltas: Array<[number, bigint, bigint]>;
  unattributed: bigint; // cumulative
  processes: ReturnType<typeof validateProcesses>;
  cgroups: ReturnType<typeof validateCgroups>;
  failures: CumulativeRow[];
  latency: CumulativeRow[];
  seen: ReturnType<typeof validateSeen>;
  bpfPrograms: ReturnType<typeof validateBpfPrograms>;
  final: boolean;
}

export type CheckOutcome = { duplicate: true } | { duplicate: false; checked: CheckedSnapshot; next: RunProgress };

const SUBKEY: Record<Cumulative, string> = { failure: 'errno_code', latency: 'bucket' };

/**
 * One snapshot checked in full against its run's progress as of the run's last stored snapshot:
 * a repeat of a stored seq is a duplicate; otherwise its rows and the run's progress after it
 * (@state undefined: the run is unknown).
 * Pure: both write paths (the batched one over cached progress, the per-snapshot one over progress
 * read under a row lock) check with this, so they store identical rows.
 */
export function checkSnapshot(
  run: RunOptions,
  snap: Snapshot,
  state: RunProgress | undefined,
  nowMs: number,
): CheckOutcome {
  const cumulative = validateSnapshot(snap, run.runId);
  if (!state) throw new NotFoundError(`unknown run '${run.runId}'`);
  const seq = BigInt(snap.seq);
  if (seq <= state.lastSeq) return { duplicate: true };
  if (state.finished)
    throw new FailedPreconditionError(`run '${run.runId}' is finished (its final snapshot was seq ${state.lastSeq})`);
  const timeMs = snapshotTime(snap, Number(state.startedMs), nowMs);
  const { deltas, total } = intervalDeltas(run.runId, seq, state.totals, cumulative);
  const unattributed = validateUnattributed(snap, state.unattributed, total);
  const processes = validateProcesses(snap, deltas);
  const cgroups = validateCgroups(snap, deltas);
  const failures = run.errors ? cumulativeDeltas('failure', run.runId, state.failure, validateFailures(snap), seq) : [];
  const latency = run.latency ? cumulativeDeltas('latency', run.runId, state.latency, validateLatency(snap), seq) : [];
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
  const checked = { head, deltas, unattributed, processes, cgroups, failures, latency, seen, bpfPrograms };
  return { duplicate: false, checked: { ...checked, final: snap.final }, next: progressAfter(state, checked, snap) };
}

/** The run's progress once @c is stored: what the next snapshot is checked against. */
function progressAfter(state: RunProgress, c: Omit<CheckedSnapshot, 'final'>, snap: Snapshot): RunProgress {
  const totals = new Map(state.totals);
  for (const [nr, , now] of c.deltas) totals.set(nr, now);
  const merge = (before: Map<string, bigint>, rows: CumulativeRow[]) => {
    const after = new Map(before);
    for (const [nr, sub, , now] of rows) after.set(`${nr}:${sub}`, now);
    return after;
  };
  return {
    ...state,
    lastSeq: c.head.seq,
    finished: snap.final,
    unattributed: c.unattributed,
    totals,
    failure: merge(state.failure, c.failures),
    latency: merge(state.latency, c.latency),
  };
}

/** The interval's [nr, delta, cumulative] per syscall and their sum, checked to never go backwards. */
function intervalDeltas(runId: string, seq: bigint, previous: Map<number, bigint>, cumulative: Map<number, bigint>) {
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
function cumulativeDeltas(
  kind: Cumulative,
  runId: string,
  before: Map<string, bigint>,
  now: Map<string, bigint>,
  seq: bigint,
): CumulativeRow[] {
  for (const [key, was] of before) {
    if ((now.get(key) ?? 0n) >= was) continue;
    const [nr, sub] = key.split(':');
    throw new FailedPreconditionError(
      `${kind} of nr ${nr}, ${SUBKEY[kind]} ${sub} went backwards in run '${runId}' at seq ${seq}: ` +
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
