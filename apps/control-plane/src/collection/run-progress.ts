import { RecentMap } from './recent-map';

/**
 * A run's progress as of its last stored snapshot: what the next snapshot is checked against
 * (its seq must be newer, its counters may not go backwards).
 */
export interface RunProgress {
  hostId: string;
  lastSeq: bigint;
  unattributed: bigint;
  finished: boolean;
  startedMs: bigint;
  /** Cumulative count per nr. */
  totals: Map<number, bigint>;
  /** Cumulative failures and latency, keyed "nr:subkey" (read only for runs with --errors / --latency). */
  failure: Map<string, bigint>;
  latency: Map<string, bigint>;
}

/**
 * This replica's copy of the progress of the runs it ingests, so that a batch need not read it
 * back. It is only ever a hint: an entry is put after its batch committed (so it never holds what
 * a rollback took back), and the batch that relies on it advances the run with
 * `UPDATE runs ... WHERE last_seq = <the cached one>`, in the same statement or transaction as its rows. If
 * another replica (or another batch of this one) advanced the run meanwhile, that update matches
 * no row and the whole batch is rolled back and stored again from the database's state: a stale
 * entry costs a retry, never a lost or doubled delta. Since last_seq only grows, a seq at or below
 * an entry's is stored for certain (acked as a duplicate without asking the database).
 */
export class RunProgressCache {
  private readonly runs: RecentMap<string, RunProgress>;

  constructor(capacity = 100_000) {
    this.runs = new RecentMap(capacity);
  }

  get(runId: string): RunProgress | undefined {
    return this.runs.get(runId);
  }

  /** After a commit: @p is the stored progress (kept unless a newer one is already here). */
  committed(runId: string, p: RunProgress): void {
    const had = this.runs.get(runId);
    if (had && had.lastSeq >= p.lastSeq) return;
    this.runs.put(runId, p);
  }

  /** After a write that did not go as the entry predicted: read it from the database next time. */
  forget(runId: string): void {
    this.runs.delete(runId);
  }
}
