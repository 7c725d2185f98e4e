import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { InvalidArgumentError } from './domain-errors';

/**
 * Syscall numbers between the wire and the store: the only place that knows how each spells them.
 * Both key the "other" bucket (ids outside the syscall table) as SYSCALL_NR_OTHER (-2), so the
 * mapping is the identity; what it adds is the range check of what comes in.
 */
export const OTHER_NR = SYSCALL_NR_OTHER;
export const MIN_NR = -1;
export const MAX_NR = 1023;

/** A wire row's nr as stored; @what names the row in the error. */
export function nrFromWire(nr: number, what: string): number {
  if (!Number.isInteger(nr) || (nr !== OTHER_NR && (nr < MIN_NR || nr > MAX_NR))) {
    throw new InvalidArgumentError(
      `${what}: syscall nr ${nr} is outside the table's range [${MIN_NR}, ${MAX_NR}] (and is not ${OTHER_NR}, "other")`,
    );
  }
  return nr;
}

/** A stored nr as the wire spells it. */
export function nrToWire(nr: number): number {
  return nr;
}
