import type { LockedHost } from './ingest.repository';
import { RecentMap } from './recent-map';

/** How many hosts' rows a replica keeps a copy of. */
const CAPACITY = 100_000;

/**
 * PostgreSQL's one-statement batch (BatchStore, BatchStatement): this replica's copy of each of
 * its hosts' rows as it last wrote or read them, and its batches in flight by host. A copy is only
 * a hint: the batch's statement replaces a host's totals only if they are still the copy's text.
 */
export class HostCopies {
  private readonly rows = new RecentMap<string, LockedHost>(CAPACITY);
  private readonly inFlight = new Map<string, Promise<void>>();

  /**
   * Waits for this replica's batches in flight on any of @hostIds (the locking path's row locks did
   * that): a batch checked against copies another batch is about to replace would only fail its
   * check and be stored again the slow way. Returns what to call when this batch is done.
   */
  async afterBatchesOf(hostIds: string[]): Promise<() => void> {
    const hosts = [...new Set(hostIds)];
    const earlier = hosts.map((h) => this.inFlight.get(h)).filter((p) => p !== undefined);
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const h of hosts) this.inFlight.set(h, mine);
    await Promise.all(earlier);
    return () => {
      done();
      for (const h of hosts) if (this.inFlight.get(h) === mine) this.inFlight.delete(h);
    };
  }

  /** The hosts' rows: this replica's copies, or @read (without a lock) for the others. */
  async of(
    hostIds: string[],
    read: (ids: string[]) => Promise<Map<string, LockedHost>>,
  ): Promise<Map<string, LockedHost>> {
    const out = new Map<string, LockedHost>();
    const missing: string[] = [];
    for (const id of new Set(hostIds)) {
      const h = this.rows.get(id);
      if (h) out.set(id, h);
      else missing.push(id);
    }
    if (missing.length) for (const [id, h] of await read(missing)) out.set(id, h);
    return out;
  }

  /** After the batch's statement committed: the rows as it wrote them. */
  committed(hosts: Array<{ hostId: string; totals: string; calls: bigint | null }>): void {
    for (const h of hosts) this.rows.put(h.hostId, { packed: h.totals, calls: h.calls });
  }

  /** After a write that did not go as planned: read these hosts' rows next time. */
  forget(hostIds: Iterable<string>): void {
    for (const id of hostIds) this.rows.delete(id);
  }
}
