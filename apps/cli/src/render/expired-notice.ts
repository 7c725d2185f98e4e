import type { ExpiredHistory } from '@syscall-counter/proto';
import { formatTime } from '../time-window';

/**
 * The line that says an answer reaches into time whose raw rows the control plane expired
 * (SC_RETAIN_RAW): totals there come from hourly rollups, or the counts are a lower bound.
 * '' when it does not.
 */
export function expiredNotice(e: ExpiredHistory | undefined): string {
  if (!e || !Number(e.rawKeptFromUnixMs)) return '';
  const before = `raw history before ${formatTime(e.rawKeptFromUnixMs)} has expired`;
  return e.lowerBound ? `${before}: the counts are a lower bound` : `${before}; hourly totals shown`;
}

/** The notice on stderr (answers written as CSV, JSON, files or charts keep stdout for data). */
export function warnExpired(e: ExpiredHistory | undefined): void {
  const note = expiredNotice(e);
  if (note) process.stderr.write(`syscall-counter: ${note}\n`);
}

/** What hosts and runs carry of the retained span (proto Host 11-12, Run 15-16): 0 where nothing expired. */
interface Retained {
  rawKeptFromUnixMs: string;
  hourlyKeptFromUnixMs: string;
}

/**
 * Under a hosts or runs table, once SC_RETAIN_RAW (and SC_RETAIN_HOURLY) expired some of their
 * history: before when ('' when nothing expired). JSON carries it per host and run.
 */
export function retainedNotice(items: Retained[]): string {
  const latest = (f: (i: Retained) => string) =>
    items.map((i) => BigInt(f(i) || '0')).reduce((a, b) => (a > b ? a : b), 0n);
  const raw = latest((i) => i.rawKeptFromUnixMs);
  const hourly = latest((i) => i.hourlyKeptFromUnixMs);
  if (raw === 0n) return '';
  const more = hourly > 0n ? `;\nhourly totals before ${formatTime(String(hourly))} too` : '';
  return `raw history before ${formatTime(String(raw))} has expired${more}\n`;
}
