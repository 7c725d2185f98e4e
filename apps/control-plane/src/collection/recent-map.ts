/**
 * A Map of at most @capacity entries that drops the least recently put one first: a replica's
 * copies of rows it last wrote (run progress, hosts, rollups). Every copy is a hint its write
 * checks, so a dropped one only costs a read.
 */
export class RecentMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  /** Sets @key as the most recent entry, dropping the oldest past capacity. */
  put(key: K, value: V): void {
    this.delete(key); // re-inserted last: a Map iterates in insertion order
    this.set(key, value);
    if (this.size > this.capacity) this.delete(this.keys().next().value!);
  }
}
