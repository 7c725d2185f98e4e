/**
 * Syscall numbers between the wire and the store. The store keys the "other" bucket (ids outside
 * the syscall table) as nr -2 in every table; these two functions are the only place that knows
 * how the wire spells it.
 */
export const OTHER_NR = -2;

/** A row's nr as stored. */
export function nrFromWire(row: { nr: number; hasNr?: boolean }): number {
  return row.hasNr === false ? OTHER_NR : row.nr;
}

/** A stored nr as the wire spells it. */
export function nrToWire(nr: number): { nr: number; hasNr: boolean } {
  return nr === OTHER_NR ? { nr: 0, hasNr: false } : { nr, hasNr: true };
}
