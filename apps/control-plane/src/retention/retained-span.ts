import { hourOf } from '../database/hourly-rollups';
import type { RetentionMarks } from './retention-marks.repository';

/**
 * What expiry took of a host or run that started at @startMs (proto Host 11-12, Run 15-16): its
 * raw rows before the raw mark, its hourly totals before the hourly mark; 0 where it took nothing
 * (the history is kept from the start). Its retained span runs from there to its last contact.
 */
export function retainedSpan(startMs: bigint, marks: RetentionMarks) {
  const cut = (mark: bigint, start: bigint) => String(mark > start ? mark : 0n);
  return {
    rawKeptFromUnixMs: cut(marks.raw, BigInt(startMs)),
    hourlyKeptFromUnixMs: cut(marks.hourly, hourOf(BigInt(startMs))),
  };
}
