import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsConfig {
  cert: string;
  key: string;
  /** With a CA, clients must present a certificate it signed (mTLS). */
  ca?: string;
}

export interface AppConfig {
  listen: string;
  dbPath: string;
  /** postgres://USER[:PASS]@HOST:PORT/DB: history in PostgreSQL, shared by several replicas (SC_DB_URL). */
  dbUrl?: string;
  /** Bearer token agents and the CLI must present; read from SC_TOKEN or SC_TOKEN_FILE. */
  token: string;
  tls?: TlsConfig;
  maxMessageBytes: number;
  logJson: boolean;
}

function readToken(env: NodeJS.ProcessEnv): string {
  if (env.SC_TOKEN) return env.SC_TOKEN;
  if (env.SC_TOKEN_FILE) return readFileSync(env.SC_TOKEN_FILE, 'utf8').trim();
  throw new Error('no token configured: set SC_TOKEN_FILE (a file holding the token agents present) or SC_TOKEN');
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
  const token = readToken(env);
  if (token.length < 16) throw new Error('the token must be at least 16 characters long');
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
    dbUrl: env.SC_DB_URL || undefined,
    token,
    tls,
    maxMessageBytes,
    logJson: env.SC_LOG_FORMAT !== 'text',
  };
}

export const configuration = () => loadConfig();
