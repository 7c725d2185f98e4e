import type { Snapshot } from '@syscall-counter/proto';
import { hourOf } from '../database/hourly-rollups';
import type { StoredSnapshot } from '../database/ten-minute-rollups';
import type { HostAdvance, RunAdvance } from './ingest-batch.repository';
import { addToHost, CumulativeRow, HostTotals, LockedHost } from './ingest.repository';
import { addToPacked, packTotals } from './packed-totals';
import type { RunProgress } from './run-progress';
import type { CheckedSnapshot, RunOptions } from './snapshot-check';

// What BatchStore's paths share, as pure functions of the batch: its order, and what it moves on.

export type IngestOutcome = 'stored' | 'duplicate';
export type Outcome = { ok: IngestOutcome } | { err: unknown };

/** A snapshot waiting for the next group commit. */
export interface PendingSnapshot {
  run: RunOptions;
  snap: Snapshot;
  nowMs: number;
}

/**
 * The order a batch is stored in: by host, run and arrival, so that concurrent transactions
 * (replicas on one PostgreSQL) take the row locks of runs and hourly rollups in one order and
 * rarely deadlock, and a run's snapshots are checked in the order they came.
 */
export function lockOrder(batch: PendingSnapshot[]): number[] {
  const key = (p: PendingSnapshot) => [p.run.hostId, p.run.runId] as const;
  return batch
    .map((_, i) => i)
    .sort((i, j) => {
      const [a, b] = [key(batch[i]), key(batch[j])];
      if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
      if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
      return i - j;
    });
}

export const sumOf = (rows: CumulativeRow[]) => rows.reduce((a, r) => a + r[2], 0n);

/** A host's totals as locked (a host with no row yet: none; its update then matches nothing, as before). */
export function hostOf(hosts: Map<string, HostTotals>, hostId: string): HostTotals {
  let h = hosts.get(hostId);
  if (!h) hosts.set(hostId, (h = { totals: new Map(), calls: null }));
  return h;
}

/**
 * The batch's hosts, sorted, with the stored snapshots' deltas added to their totals as locked
 * (the sums of addToHost, added to the packed text without unpacking it).
 */
export function hostsAfter(stored: Array<{ c: CheckedSnapshot }>, locked: Map<string, LockedHost>): HostAdvance[] {
  // Each host's totals start empty: they collect the batch's sums, added to the locked text at the end.
  const hosts = new Map<string, HostTotals>();
  for (const { c } of stored) {
    const id = c.head.hostId;
    let h = hosts.get(id);
    if (!h) hosts.set(id, (h = { totals: new Map(), calls: locked.get(id)?.calls ?? null }));
    addToHost(h, c.deltas);
  }
  return [...hosts]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([hostId, h]) => ({ hostId, totals: addToPacked(locked.get(hostId)?.packed, h.totals), calls: h.calls }));
}

/** How the batch moves each of its runs on: from the progress it was checked against to the last stored. */
export function runAdvances(
  stored: Array<{ c: CheckedSnapshot }>,
  before: Map<string, RunProgress>,
  after: Map<string, RunProgress>,
): RunAdvance[] {
  const lastMs = new Map<string, bigint>();
  for (const { c } of stored) {
    if (c.head.timeMs > (lastMs.get(c.head.runId) ?? -1n)) lastMs.set(c.head.runId, c.head.timeMs);
  }
  return [...after].map(([runId, p]) => ({
    runId,
    hostId: p.hostId,
    fromSeq: before.get(runId)!.lastSeq,
    toSeq: p.lastSeq,
    finished: p.finished,
    unattributed: p.unattributed,
    totals: packTotals(p.totals),
    lastHourMs: hourOf(lastMs.get(runId) ?? 0n),
    lastMs: lastMs.get(runId) ?? 0n,
  }));
}

/** The snapshots of a batch that were stored (not refused, not repeats): what the ten-minute rollups add. */
export function storedOf(batch: PendingSnapshot[], outcomes: Outcome[]): StoredSnapshot[] {
  return batch
    .filter((_, i) => 'ok' in outcomes[i] && outcomes[i].ok === 'stored')
    .map((p) => ({
      runId: p.run.runId,
      seq: BigInt(p.snap.seq),
      processes: p.run.processTopK > 0,
      cgroups: p.run.cgroupTopK > 0,
    }));
}
