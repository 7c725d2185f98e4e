/**
 * Numbers in tables as a person reads them fastest: counts up to 9999 as they are (a test's 5000
 * getppid calls read 5000), then three significant digits with k, M, G, T (12.3k, 248M), so a
 * column's magnitude shows in its first characters; durations in the unit that fits (850 ns,
 * 3.4 µs, 12 ms, 1.6 s). CSV and JSON, and tables with --exact, keep the exact numbers.
 */

const UNITS = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** Three significant digits: 1.23, 12.3, 123 (trailing zeros kept: a column stays aligned). */
function threeDigits(v: number): string {
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
}

/** 7000 → "7000", 12345 → "12.3k", 248449123 → "248M"; negatives keep their sign. */
export function humanCount(n: bigint | number): string {
  const v = typeof n === 'bigint' ? n : BigInt(Math.round(n));
  const abs = v < 0n ? -v : v;
  const sign = v < 0n ? '-' : '';
  if (abs < 10000n) return `${sign}${abs}`;
  let unit = 0;
  let scaled = Number(abs);
  // 999.5k rounds to "1000k": step up so it reads 1.00M.
  while (unit < UNITS.length - 1 && scaled >= 999.5) {
    scaled /= 1000;
    unit++;
  }
  return `${sign}${threeDigits(scaled)}${UNITS[unit]}`;
}

/** A count, exact when asked. */
export const countText = (n: bigint | number, exact: boolean): string => (exact ? n.toString() : humanCount(n));

/** Calls per second: one decimal while small (3.4, 1234.5), then like counts (12.3k). */
export function rateText(perSecond: number, exact: boolean): string {
  return exact || Math.abs(perSecond) < 10000 ? perSecond.toFixed(1) : humanCount(perSecond);
}

const TIME_UNITS: Array<[number, string]> = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
];

/** Nanoseconds in the unit that fits: "850 ns", "3.4 µs", "850 µs", "12 ms", "1.6 s" (two digits at least). */
export function humanDuration(ns: number): string {
  for (const [size, unit] of TIME_UNITS) {
    if (ns >= size * 0.9995) return `${ns / size < 9.95 ? (ns / size).toFixed(1) : Math.round(ns / size)} ${unit}`;
  }
  return `${Math.round(ns)} ns`;
}

/** Whole seconds past a minute read better as minutes and hours: "45.0 s", "12m 5s", "3h 20m". */
export function humanSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** "1 errno", "3 errnos"; irregular ones name their plural: plural(2, "process", "processes"). */
export function plural(n: number | bigint, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 || n === 1n ? singular : pluralForm}`;
}
