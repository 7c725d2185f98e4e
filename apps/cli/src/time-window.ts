import ms from 'ms';
import { usageError } from './errors';

const DURATION = /^\d+(\.\d+)?\s*[a-z]+$/i;

/**
 * A point in time from a flag: a duration back from now ("10m", "24h", "7d")
 * or a timestamp ("2026-11-24T10:00:00Z", "2026-11-24 10:00").
 */
export function parseTimePoint(value: string, now = Date.now()): number {
  const back = DURATION.test(value) ? ms(value as ms.StringValue) : undefined;
  if (typeof back === 'number' && Number.isFinite(back) && back > 0) return now - back;
  const at = Date.parse(value);
  if (!Number.isNaN(at)) return at;
  throw usageError(
    `cannot read '${value}' as a time: ` +
      'use a duration back from now (10m, 24h, 7d) or a timestamp (2026-11-24T10:00:00Z)',
  );
}

export function formatTime(unixMs: number | string): string {
  const n = Number(unixMs);
  return n > 0 ? new Date(n).toISOString().replace('.000Z', 'Z') : '-';
}

/** A length of time from a flag ("5s", "1m", "24h"); at least @minMs. */
export function parseDuration(value: string, flag: string, minMs = 1000): number {
  const n = DURATION.test(value) ? ms(value as ms.StringValue) : undefined;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < minMs) {
    throw usageError(
      `cannot read '${value}' as ${flag}: use a duration of at least ${minMs / 1000}s, like 10s, 5m or 1h`,
    );
  }
  return n;
}

/** Seconds from @first to @last (unix ms as strings), never negative. */
export function spanSeconds(first: string | undefined, last: string | undefined): number {
  const s = Number(BigInt(last || '0') - BigInt(first || '0')) / 1000;
  return s > 0 ? s : 0;
}

/** "2026-11-24T10:00:00Z – 2026-11-24T11:00:00Z (3600.0 s)": what a query's answer covers. */
export function spanText(first: string, last: string): string {
  return `${formatTime(first)} – ${formatTime(last)} (${spanSeconds(first, last).toFixed(1)} s)`;
}

/** "between 2026-11-24T10:00:00Z and now" for a --since/--until window (0: unbounded). */
export function windowText(sinceUnixMs: string, untilUnixMs: string): string {
  const from = sinceUnixMs !== '0' ? formatTime(sinceUnixMs) : 'the beginning';
  const to = untilUnixMs !== '0' ? formatTime(untilUnixMs) : 'now';
  return `between ${from} and ${to}`;
}
