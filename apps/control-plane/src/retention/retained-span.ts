import { hourOf } from '../database/hourly-rollups';
import type { RetentionMarks } from './retention-marks.repository';

/**
 * The retained span of a host or run that started at @startMs (proto Host 11-12, Run 15-16): its
 * raw rows are kept from the later of its start and the raw mark, its hourly totals from the
 * later of its start's hour and the hourly mark. A time after its last contact: nothing is kept.
 */
export function retainedSpan(startMs: bigint, marks: RetentionMarks) {
  const later = (a: bigint, b: bigint) => String(a > b ? a : b);
  return {
    rawKeptFromUnixMs: later(BigInt(startMs), marks.raw),
    hourlyKeptFromUnixMs: later(hourOf(BigInt(startMs)), marks.hourly),
  };
}
