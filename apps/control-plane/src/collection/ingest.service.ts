import { Injectable, Logger } from '@nestjs/common';
import type { Hello, Snapshot } from '@syscall-counter/proto';
import { AlreadyExistsError, FailedPreconditionError } from '../common/domain-errors';
import { lostRace, RACE_RETRIES } from '../database/lost-races';
import { HostsRunsRepository } from '../hosts-runs/hosts-runs.repository';
import type { Run } from '../hosts-runs/run.entity';
import { GroupCommit } from './group-commit';
import { IngestOutcome, PendingSnapshot } from './batch-plan';
import { BatchStore } from './batch-store';
import { validateHello } from './snapshot-validation';

/** Ingest retries a lost race more than other writers: many agents' batches contend at once. */
const INGEST_RACE_RETRIES = 4 * RACE_RETRIES;

export type { IngestOutcome } from './batch-plan';

export interface OpenedRun {
  runId: string;
  hostId: string;
  lastAckedSeq: bigint;
  processTopK: number;
  cgroupTopK: number;
  errors: boolean;
  latency: boolean;
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
 * Collect's work: a hello opens (or reopens) a run; each snapshot of cumulative counters is
 * checked against the run's previous one and stored as the interval's deltas, exactly once.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly commits: GroupCommit<PendingSnapshot, IngestOutcome>;

  constructor(
    private readonly hostsRuns: HostsRunsRepository,
    store: BatchStore,
  ) {
    // The snapshots that arrive together are stored in one transaction; each caller's outcome is
    // handed out only after that commit.
    this.commits = new GroupCommit((batch) => store.store(batch), store.concurrentTransactions);
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
        // Another transaction won a race (PostgreSQL: another replica, or this one's concurrent
        // batches of the same host): the next batch, after it, succeeds or finds the snapshot
        // stored and acks it as a duplicate. A short random wait keeps two losers from meeting
        // again in the same order.
        if (!lostRace(err) || attempt >= INGEST_RACE_RETRIES) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }
}
