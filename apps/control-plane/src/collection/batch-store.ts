import { Injectable, Logger } from '@nestjs/common';
import { BATCH_MOVED_ON } from '../database/migrations/1766900000000-ingest-batch-check';
import { TenMinuteRollups } from '../database/ten-minute-rollups';
import { SyscallSetsRepository } from '../syscall-sets/syscall-sets.repository';
import { hostOf, hostsAfter, lockOrder, Outcome, PendingSnapshot, runAdvances, storedOf, sumOf } from './batch-plan';
import { batchCgroupNames, batchTableRows } from './batch-rows';
import { BatchStatement, HostWrite } from './batch-statement';
import { HostRollups } from './host-rollups';
import { HostCopies } from './host-copies';
import { BatchHead, IngestBatchRepository } from './ingest-batch.repository';
import { addToHost, IngestRepository, LockedHost } from './ingest.repository';
import { RunProgress, RunProgressCache } from './run-progress';
import { CheckedSnapshot, checkSnapshot, RunOptions } from './snapshot-check';
import { StoreSums } from './store-sums';

/** Thrown inside SQLite's batch transaction to roll it back: a run had moved on since it was read. */
class RunMovedOn extends Error {}

/** The one-statement batch's check failed (sc_ingest_check, migration 1766900000000). */
const isMovedOn = (err: unknown) => (err as { code?: string })?.code === BATCH_MOVED_ON;

/**
 * Stores a group-commit batch of snapshots exactly once, each snapshot failing alone. First every
 * snapshot is checked in JS against its run's progress (this replica's cache, or read for the
 * whole batch at once), then the whole batch is written: on PostgreSQL as one statement whose run,
 * host and rollup writes are conditional on the rows this replica last saw (BatchStatement), on
 * SQLite in one transaction, each run advanced only from the last_seq it was checked against. If
 * that write fails (a run or row moved on: another replica wrote it; a constraint or deadlock),
 * nothing of it stays and the batch is stored again the per-snapshot way, in one transaction:
 * its hosts locked, each snapshot in a savepoint, its run's progress read under a row lock.
 */
@Injectable()
export class BatchStore {
  private readonly logger = new Logger(BatchStore.name);
  private readonly progress = new RunProgressCache();
  /** Keys of cgroup names known committed (names are never deleted, nor their keys reused). */
  private readonly names = new Map<string, bigint>();
  private readonly sums: StoreSums;
  /** The one-statement path's copies of its hosts' rows, and its batches in flight by host. */
  private readonly hosts = new HostCopies();
  /** How many batches were stored again snapshot by snapshot (the batched write failed). */
  fallbacks = 0;

  constructor(
    private readonly repo: IngestRepository,
    private readonly batches: IngestBatchRepository,
    private readonly syscallSets: SyscallSetsRepository,
    private readonly tenMinutes: TenMinuteRollups,
    private readonly rollups: HostRollups,
    private readonly statement: BatchStatement,
  ) {
    this.sums = new StoreSums(() => repo.storeSums());
  }

  get concurrentTransactions(): number {
    return this.repo.concurrentTransactions;
  }

  /** One outcome per snapshot, in order, each settled after the batch's commit. */
  async store(batch: PendingSnapshot[]): Promise<Outcome[]> {
    if (!this.batches.multiRow) return this.storeOrFallBack(batch, () => this.storeBatched(batch));
    const done = await this.hosts.afterBatchesOf(batch.map((p) => p.run.hostId));
    try {
      return await this.storeOrFallBack(batch, () => this.storeOneStatement(batch));
    } finally {
      done();
    }
  }

  /** @write, or when it fails, the batch stored again snapshot by snapshot under row locks. */
  private async storeOrFallBack(batch: PendingSnapshot[], write: () => Promise<Outcome[]>): Promise<Outcome[]> {
    try {
      return await write();
    } catch (err) {
      this.fallbacks++;
      for (const p of batch) this.progress.forget(p.run.runId);
      this.hosts.forget(batch.map((p) => p.run.hostId));
      this.rollups.forget(batch.map((p) => p.run.hostId));
      const why =
        err instanceof RunMovedOn || isMovedOn(err) ? 'a run, host or rollup row moved on' : (err as Error).message;
      this.logger.log({ msg: 'batch stored again snapshot by snapshot', snapshots: batch.length, why });
      return this.storeEach(batch);
    }
  }

  private async storeBatched(batch: PendingSnapshot[]): Promise<Outcome[]> {
    const { outcomes, after, newNames } = await this.repo.transaction(async () => {
      const hosts = await this.repo.lockHostsPacked(batch.map((p) => p.run.hostId));
      const order = lockOrder(batch);
      const before = await this.progressOf(order.map((i) => batch[i].run));
      const { outcomes, after, stored } = await this.checkAll(batch, order, before);
      const newNames = stored.length ? await this.writeBatch(stored, before, after, hosts, batch[0].nowMs) : [];
      await this.tenMinutes.add(storedOf(batch, outcomes));
      return { outcomes, after, newNames };
    });
    // Committed: what the next batches may rely on.
    for (const [runId, p] of after) this.progress.committed(runId, p);
    for (const [name, key] of newNames) this.names.set(name, key);
    return outcomes;
  }

  /**
   * PostgreSQL: the batch checked in JS against this replica's copies of its runs, hosts and
   * rollup rows (read where it has none), then written as one statement that refuses to write if
   * any of them changed meanwhile (BatchStatement). No transaction, no locks: one round trip.
   */
  private async storeOneStatement(batch: PendingSnapshot[]): Promise<Outcome[]> {
    const order = lockOrder(batch);
    const before = await this.progressOf(order.map((i) => batch[i].run));
    const { outcomes, after, stored } = await this.checkAll(batch, order, before);
    if (stored.length === 0) return outcomes;
    const hosts = await this.hosts.of(
      stored.map((s) => s.c.head.hostId),
      (ids) => this.repo.readHostsPacked(ids),
    );
    const added: Array<[string, bigint]> = [];
    const names = await this.namesOf(stored, added);
    // Outside a transaction a new name is committed as it is added (names are never deleted).
    for (const [name, key] of added) this.names.set(name, key);
    const heads: BatchHead[] = stored.map((s) => s.c.head);
    const hostWrites: HostWrite[] = hostsAfter(stored, hosts)
      .filter((h) => hosts.has(h.hostId)) // no row (yet): nothing to update, as on the locking path
      .map((h) => ({ ...h, old: hosts.get(h.hostId)!.packed }));
    const rollups = await this.rollups.plan(stored.map((s) => s.c));
    // Rows keyed by snapshot carry its 1-based place in the batch: the statement swaps in its key.
    const keyed = stored.map((s, i) => ({ ...s, snapKey: BigInt(i + 1) }));
    const nameKey = (path: string, container: string) => names.get(`${path}\u0000${container}`)!;
    const rows = batchTableRows(keyed, nameKey, true);
    const runs = runAdvances(stored, before, after);
    await this.statement.write({ heads, runs, hosts: hostWrites, rollups, rows, nowMs: batch[0].nowMs });
    for (const [runId, p] of after) this.progress.committed(runId, p);
    this.hosts.committed(hostWrites);
    this.rollups.committed(rollups);
    return outcomes;
  }

  /** Each snapshot checked in lock order against its run's progress; what to store, and each outcome. */
  private async checkAll(batch: PendingSnapshot[], order: number[], before: Map<string, RunProgress>) {
    const after = new Map<string, RunProgress>();
    const outcomes: Outcome[] = new Array(batch.length);
    const stored: Array<{ run: RunOptions; c: CheckedSnapshot }> = [];
    for (const i of order) {
      const { run, snap, nowMs } = batch[i];
      try {
        const o = checkSnapshot(run, snap, after.get(run.runId) ?? before.get(run.runId), nowMs);
        if (o.duplicate) {
          outcomes[i] = { ok: 'duplicate' };
          continue;
        }
        const c = o.checked;
        await this.sums.add({ counts: c.head.total, failure: sumOf(c.failures), latency: sumOf(c.latency) });
        after.set(run.runId, o.next);
        stored.push({ run, c });
        outcomes[i] = { ok: 'stored' };
      } catch (err) {
        outcomes[i] = { err };
      }
    }
    return { outcomes, after, stored };
  }

  /** The progress of the batch's runs: cached, or read for all the others in one go. */
  private async progressOf(runs: RunOptions[]): Promise<Map<string, RunProgress>> {
    const out = new Map<string, RunProgress>();
    const missing = new Map<string, RunOptions>();
    for (const r of runs) {
      const p = this.progress.get(r.runId);
      if (p) out.set(r.runId, p);
      else missing.set(r.runId, r);
    }
    if (missing.size === 0) return out;
    const all = [...missing.values()];
    const read = await this.batches.progress(
      all.map((r) => r.runId),
      all.filter((r) => r.errors).map((r) => r.runId),
      all.filter((r) => r.latency).map((r) => r.runId),
    );
    for (const [id, p] of read) out.set(id, p);
    return out;
  }

  /** The checked snapshots' rows; the cgroup names it added. Throws RunMovedOn to roll back. */
  private async writeBatch(
    stored: Array<{ run: RunOptions; c: CheckedSnapshot }>,
    before: Map<string, RunProgress>,
    after: Map<string, RunProgress>,
    hosts: Map<string, LockedHost>,
    nowMs: number,
  ): Promise<Array<[string, bigint]>> {
    const heads: BatchHead[] = stored.map((s) => s.c.head);
    const runs = runAdvances(stored, before, after);
    const keys = await this.batches.putHeads(heads, runs, hostsAfter(stored, hosts), nowMs);
    if (!keys) throw new RunMovedOn();
    const added: Array<[string, bigint]> = [];
    const names = await this.namesOf(stored, added);
    const keyed = stored.map((s, i) => ({ ...s, snapKey: keys[i] }));
    const nameKey = (path: string, container: string) => names.get(`${path}\u0000${container}`)!;
    const rollups = await this.rollups.after(stored.map((s) => s.c));
    await this.batches.putRows({ ...batchTableRows(keyed, nameKey, false), ...rollups });
    return added;
  }

  /** The keys of the cgroup names @stored refer to; @added gets those not known committed before. */
  private async namesOf(
    stored: Array<{ run: RunOptions; c: CheckedSnapshot }>,
    added: Array<[string, bigint]>,
  ): Promise<Map<string, bigint>> {
    const names = new Map<string, bigint>();
    for (const [path, container] of batchCgroupNames(stored)) {
      const name = `${path}\u0000${container}`;
      let key = this.names.get(name);
      if (key === undefined) added.push([name, (key = await this.repo.cgroupNameKey(path, container))]);
      names.set(name, key);
    }
    return names;
  }

  /** The fallback: one transaction, each snapshot in its own savepoint, checked against its run read under lock. */
  private storeEach(batch: PendingSnapshot[]): Promise<Outcome[]> {
    return this.repo.transaction(async () => {
      const hosts = await this.repo.lockHosts(batch.map((p) => p.run.hostId));
      const outcomes: Outcome[] = new Array(batch.length);
      const stored: CheckedSnapshot[] = [];
      for (const i of lockOrder(batch)) {
        const p = batch[i];
        try {
          const c = await this.repo.savepoint(() => this.storeOne(p));
          // Committed to the savepoint: its deltas count for the host's totals and rollups (a
          // rolled-back one's do not).
          if (c) addToHost(hostOf(hosts, c.head.hostId), c.deltas);
          if (c) stored.push(c);
          outcomes[i] = { ok: c ? 'stored' : 'duplicate' };
        } catch (err) {
          outcomes[i] = { err };
        }
      }
      await this.repo.putHostTotals(hosts);
      await this.batches.putRows(await this.rollups.after(stored));
      await this.tenMinutes.add(storedOf(batch, outcomes));
      return outcomes;
    });
  }

  /** One snapshot of the fallback: what it stored (undefined: a duplicate). */
  private async storeOne({ run, snap, nowMs }: PendingSnapshot): Promise<CheckedSnapshot | undefined> {
    const o = checkSnapshot(run, snap, await this.repo.lockedProgress(run), nowMs);
    if (o.duplicate) return undefined;
    const c = o.checked;
    await this.sums.add({ counts: c.head.total, failure: sumOf(c.failures), latency: sumOf(c.latency) });
    await this.writeOne(run, c);
    await this.repo.advanceRun(run.runId, run.hostId, nowMs, o.next, c.head.timeMs);
    return c;
  }

  /** The checked snapshot's rows, a statement per row: its head, deltas, busiest processes and cgroups, the rest. */
  private async writeOne(run: RunOptions, c: CheckedSnapshot): Promise<void> {
    const { head } = c;
    const snapKey = await this.repo.putSnapshot(head);
    await this.repo.putDeltas(snapKey, c.deltas);
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
}
