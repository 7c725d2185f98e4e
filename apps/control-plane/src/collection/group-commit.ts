/**
 * Group commit: the work items that arrive in the same event-loop turn (the snapshots of every
 * stream) are handed to @commit together, which stores them in one transaction, each in a
 * savepoint of its own so one bad item fails alone. Each caller's promise settles after the commit.
 */
export class GroupCommit<T, R> {
  private pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private committing = false;

  /** @commit resolves one outcome per item, in order: its result, or the error that rolled it back. */
  constructor(private readonly commit: (items: T[]) => Promise<Array<{ ok: R } | { err: unknown }>>) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** One commit at a time: what arrives during a commit waits for it, and goes in the next batch. */
  private schedule(): void {
    if (this.scheduled || this.committing || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.committing = true;
    const batch = this.pending.splice(0);
    let outcomes: Array<{ ok: R } | { err: unknown }>;
    try {
      outcomes = await this.commit(batch.map((p) => p.item));
    } catch (err) {
      batch.forEach((p) => p.reject(err)); // the commit itself failed: nothing was stored
      return;
    } finally {
      this.committing = false;
      this.schedule();
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if ('ok' in o) p.resolve(o.ok);
      else p.reject(o.err);
    });
  }
}
