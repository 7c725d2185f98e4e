import { InvalidArgumentError } from '../common/domain-errors';

/** What the store sums in queries, kind by kind: calls, failed calls, latency (counts and ns). */
export type SumKind = 'counts' | 'failure' | 'latency';

const MAX_INT64 = (1n << 63n) - 1n;

/**
 * Every SUM a query takes is over one kind of rows, and at most the whole store's sum of that kind.
 * Keeping each kind's store-wide sum within a signed 64-bit integer means no accepted snapshot can
 * make a later query overflow (2^63 calls is 292 years of 10^9 calls a second).
 *
 * The sums are held here as upper bounds: a snapshot adds its deltas before it commits, and one
 * rolled back leaves them high. Only when a bound would be passed are the exact sums read again.
 */
export class StoreSums {
  private bounds?: Record<SumKind, bigint>;

  constructor(private readonly read: () => Promise<Record<SumKind, bigint>>) {}

  /** Adds a snapshot's deltas, or throws INVALID_ARGUMENT (and adds nothing) if a sum would overflow. */
  async add(deltas: Record<SumKind, bigint>): Promise<void> {
    this.bounds ??= await this.read();
    if (this.overflows(deltas)) {
      this.bounds = await this.read();
      const kind = this.overflows(deltas);
      if (kind) throw new InvalidArgumentError(`the store's sum of ${kind} would pass 2^63-1 with this snapshot`);
    }
    for (const k of Object.keys(deltas) as SumKind[]) this.bounds![k] += deltas[k];
  }

  private overflows(deltas: Record<SumKind, bigint>): SumKind | undefined {
    return (Object.keys(deltas) as SumKind[]).find((k) => this.bounds![k] + deltas[k] > MAX_INT64);
  }
}
