/** Granularity of hourly_counts: ingest adds each delta to its hour, queries read whole hours from it. */
export const HOUR_MS = 3_600_000n;

/** The start of the hour a unix-ms time falls in. */
export function hourOf(timeMs: bigint): bigint {
  return timeMs - (timeMs % HOUR_MS);
}
