/** Where and how the control plane serves /metrics (SC_METRICS_*). */
export interface MetricsConfig {
  /** HOST:PORT of the plain-HTTP /metrics listener; undefined when SC_METRICS_LISTEN=off. */
  listen?: string;
  /** Bearer token a scraper must present; none when unset. */
  token?: string;
  /** Per host, the K busiest containers get their own series (the rest: container="other"); 0 = off. */
  containers: number;
}

export const DEFAULT_METRICS_LISTEN = '127.0.0.1:9436';

/** Reads SC_METRICS_LISTEN, SC_METRICS_TOKEN and SC_METRICS_CONTAINERS; throws one clear line on a bad value. */
export function loadMetricsConfig(env: NodeJS.ProcessEnv): MetricsConfig {
  const raw = env.SC_METRICS_LISTEN ?? DEFAULT_METRICS_LISTEN;
  const listen = raw === 'off' ? undefined : raw;
  if (listen !== undefined && !/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(listen))
    throw new Error(`SC_METRICS_LISTEN '${raw}' is not HOST:PORT (or off)`);
  const token = env.SC_METRICS_TOKEN || undefined;
  if (token !== undefined && token.length < 16) throw new Error('SC_METRICS_TOKEN must be at least 16 characters long');
  const containers = Number(env.SC_METRICS_CONTAINERS ?? 0);
  if (!Number.isInteger(containers) || containers < 0 || containers > 1000)
    throw new Error(`SC_METRICS_CONTAINERS '${env.SC_METRICS_CONTAINERS}' must be a whole number from 0 to 1000`);
  return { listen, token, containers };
}
