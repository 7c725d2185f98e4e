/**
 * Group commit: the work items that arrive in the same event-loop turn (the snapshots of every
 * stream) are handed to @commit together, which stores them in one transaction, each in a
 * savepoint of its own so one bad item fails alone. Each caller's promise settles after the commit.
 */
export class GroupCommit<T, R> {
  private pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private committing = 0;

  /**
   * @commit resolves one outcome per item, in order: its result, or the error that rolled it back.
   * @concurrency commits may run at once (1 where the engine has one connection; more where each
   * commit waits on round trips to a server and another batch can use that time).
   */
  constructor(
    private readonly commit: (items: T[]) => Promise<Array<{ ok: R } | { err: unknown }>>,
    private readonly concurrency = 1,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** At most @concurrency commits at a time: what arrives meanwhile waits, and goes in the next batch. */
  private schedule(): void {
    if (this.scheduled || this.committing >= this.concurrency || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.committing++;
    const batch = this.pending.splice(0);
    let outcomes: Array<{ ok: R } | { err: unknown }>;
    try {
      outcomes = await this.commit(batch.map((p) => p.item));
    } catch (err) {
      batch.forEach((p) => p.reject(err)); // the commit itself failed: nothing was stored
      return;
    } finally {
      this.committing--;
      this.schedule();
    }
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if ('ok' in o) p.resolve(o.ok);
      else p.reject(o.err);
    });
  }
}
