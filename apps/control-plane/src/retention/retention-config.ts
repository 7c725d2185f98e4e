/** How long history is kept and how often expiry runs (SC_RETAIN_RAW, SC_RETAIN_HOURLY, SC_EXPIRE_EVERY). */
export interface RetentionConfig {
  /** Per-snapshot rows (deltas, breakdowns, failures, latency), ms; 0 keeps them forever. */
  rawMs: number;
  /** Hourly rollups, ms; 0 keeps them forever. */
  hourlyMs: number;
  /** Time between expiry passes, ms; 0 runs none in the background. */
  everyMs: number;
  /** The first pass, this long after start (a replica that restarts often still expires). */
  firstMs: number;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const HOUR_MS = 3_600_000;
const MAX_MS = 100 * 365 * 86_400_000;

/**
 * A duration such as 90s, 30m, 36h or 14d; '0' or 'off' is 0 (keep forever / never). Throws one
 * clear line naming the variable otherwise.
 */
export function parseDuration(name: string, raw: string, minMs: number): number {
  const text = raw.trim();
  if (text === '0' || text === 'off') return 0;
  const m = /^(\d+)([smhd])$/.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
  if (!Number.isSafeInteger(ms) || ms < minMs || ms > MAX_MS)
    throw new Error(
      `${name} '${raw}' must be a duration of ${minText(minMs)} to 100 years (e.g. 36h, 14d; s, m, h, d) ` + `or 0/off`,
    );
  return ms;
}

function minText(ms: number): string {
  return ms >= HOUR_MS ? `${ms / HOUR_MS} h` : `${ms / 1000} s`;
}

/**
 * Reads the retention settings; a bad value is one clear line (the start exits 2). Raw rows are
 * kept in whole hours (expiry cuts at an hour boundary, so what is gone is always whole rollup hours):
 * at least 1 h, and hourly rollups at least as long as raw rows, since totals over expired raw time
 * come from them.
 */
export function loadRetentionConfig(env: NodeJS.ProcessEnv): RetentionConfig {
  const rawMs = parseDuration('SC_RETAIN_RAW', env.SC_RETAIN_RAW || '14d', HOUR_MS);
  const hourlyMs = parseDuration('SC_RETAIN_HOURLY', env.SC_RETAIN_HOURLY || '400d', HOUR_MS);
  if (hourlyMs > 0 && (rawMs === 0 || rawMs > hourlyMs))
    throw new Error(
      `SC_RETAIN_HOURLY (${env.SC_RETAIN_HOURLY || '400d'}) must be at least SC_RETAIN_RAW ` +
        `(${env.SC_RETAIN_RAW || '14d'}): totals over expired raw time come from the hourly rollups`,
    );
  const everyMs = parseDuration('SC_EXPIRE_EVERY', env.SC_EXPIRE_EVERY || '1h', 1000);
  const firstMs = parseDuration('SC_EXPIRE_FIRST', env.SC_EXPIRE_FIRST || '10m', 1000);
  return { rawMs, hourlyMs, everyMs, firstMs };
}
