import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Credential, readTokensFile, sharedCredential } from '../auth/credentials';
import { loadMetricsConfig, MetricsConfig } from '../metrics/metrics-config';
import { loadRetentionConfig, RetentionConfig } from '../retention/retention-config';

export interface TlsConfig {
  cert: string;
  key: string;
  /** With a CA, clients must present a certificate it signed (mTLS). */
  ca?: string;
}

export interface AppConfig {
  listen: string;
  dbPath: string;
  /** Bearer tokens agents and the CLI present: SC_TOKEN or SC_TOKEN_FILE (admin), and SC_TOKENS_FILE. */
  credentials: Credential[];
  /** SC_TOKENS_FILE, read again on SIGHUP. */
  tokensFile?: string;
  /** postgres://USER[:PASS]@HOST:PORT/DB: history in PostgreSQL, shared by several replicas (SC_DB_URL). */
  dbUrl?: string;
  tls?: TlsConfig;
  maxMessageBytes: number;
  logJson: boolean;
  /** /metrics for Prometheus (issue 15). */
  metrics: MetricsConfig;
  /** A Collect stream that sends no hello within this is closed (DEADLINE_EXCEEDED). */
  helloTimeoutMs: number;
  /** Concurrent Collect streams of one admin credential (an agent credential gets 4). */
  maxStreamsPerToken: number;
  /** A connection with no call for this long is closed (gRPC max_connection_idle). */
  idleTimeoutMs: number;
  /** How long raw rows and hourly rollups are kept, and how often expiry runs (SC_RETAIN_*, SC_EXPIRE_*). */
  retention: RetentionConfig;
}

/** A whole number of at least @min from @name, or @fallback when unset. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const v = Number(env[name] ?? fallback);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`${name} '${env[name]}' must be a whole number of at least ${min}`);
  return v;
}

function readCredentials(env: NodeJS.ProcessEnv): Credential[] {
  const shared = sharedCredential(env);
  const perHost = env.SC_TOKENS_FILE ? readTokensFile(env.SC_TOKENS_FILE) : [];
  if (!shared && perHost.length === 0)
    throw new Error(
      'no token configured: set SC_TOKENS_FILE (one credential per host), ' +
        'SC_TOKEN_FILE (a file holding the token agents present) or SC_TOKEN',
    );
  return shared ? [shared, ...perHost] : perHost;
}

/** Reads and checks the environment once at start; a bad value stops the start with one clear line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const listen = env.SC_LISTEN ?? '127.0.0.1:50051';
  if (!/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(listen)) {
    throw new Error(`SC_LISTEN '${listen}' is not HOST:PORT`);
  }
  const maxMessageBytes = Number(env.SC_MAX_MESSAGE_BYTES ?? 1024 * 1024);
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1024) {
    throw new Error(`SC_MAX_MESSAGE_BYTES '${env.SC_MAX_MESSAGE_BYTES}' must be a whole number of at least 1024`);
  }
  if (env.SC_DB_URL && !/^postgres(ql)?:\/\/[^/]+\/[^/]+$/.test(env.SC_DB_URL)) {
    throw new Error('SC_DB_URL must be postgres://USER[:PASS]@HOST:PORT/DB');
  }
  const credentials = readCredentials(env);
  let tls: TlsConfig | undefined;
  if (env.SC_TLS_CERT || env.SC_TLS_KEY) {
    if (!env.SC_TLS_CERT || !env.SC_TLS_KEY) throw new Error('TLS needs both SC_TLS_CERT and SC_TLS_KEY');
    tls = {
      cert: readFileSync(env.SC_TLS_CERT, 'utf8'),
      key: readFileSync(env.SC_TLS_KEY, 'utf8'),
      ca: env.SC_TLS_CA ? readFileSync(env.SC_TLS_CA, 'utf8') : undefined,
    };
  }
  return {
    listen,
    dbPath: env.SC_DB_PATH ?? join(process.cwd(), 'data', 'syscall-counter.db'),
    credentials,
    tokensFile: env.SC_TOKENS_FILE || undefined,
    dbUrl: env.SC_DB_URL || undefined,
    tls,
    maxMessageBytes,
    logJson: env.SC_LOG_FORMAT !== 'text',
    metrics: loadMetricsConfig(env),
    helloTimeoutMs: wholeNumber(env, 'SC_HELLO_TIMEOUT_MS', 10_000, 100),
    maxStreamsPerToken: wholeNumber(env, 'SC_MAX_STREAMS_PER_TOKEN', 1024, 1),
    idleTimeoutMs: wholeNumber(env, 'SC_IDLE_TIMEOUT_MS', 5 * 60_000, 1000),
    retention: loadRetentionConfig(env),
  };
}

export const configuration = () => loadConfig();
