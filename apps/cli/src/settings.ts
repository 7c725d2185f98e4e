import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, ioReason, usageError } from './errors';

/** Where the control plane is and how to authenticate: flag, then environment, then config file. */
export interface Settings {
  server?: string;
  tokenFile?: string;
  /** PEM CA bundle: talk TLS to the control plane, trusting these. */
  tlsCa?: string;
}

/** The keys config.json may hold; anything else is a typo to report, not a setting to ignore. */
const KNOWN_KEYS: Array<keyof Settings> = ['server', 'tokenFile', 'tlsCa'];

const CONFIG_FILE = join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'syscall-counter', 'config.json');

export function resolveSettings(
  flags: { server?: string; tokenFile?: string; tlsCa?: string },
  env = process.env,
): Settings {
  let file: Settings = {};
  const path = env.SYSCALL_COUNTER_CONFIG ?? CONFIG_FILE;
  if (existsSync(path)) file = readConfigFile(path);
  return {
    server: flags.server ?? env.SYSCALL_COUNTER_SERVER ?? file.server,
    tokenFile: flags.tokenFile ?? env.SYSCALL_COUNTER_TOKEN_FILE ?? file.tokenFile,
    tlsCa: flags.tlsCa ?? env.SYSCALL_COUNTER_TLS_CA ?? file.tlsCa,
  };
}

/** config.json: an object of known keys with string values; a misspelled key is a usage error (exit 2). */
function readConfigFile(path: string): Settings {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read the config file ${path}: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw usageError(`the config file ${path} is not a JSON object like {"server": "cp.example"}`);
  const known = KNOWN_KEYS.join(', ');
  for (const [key, value] of Object.entries(doc)) {
    if (!(KNOWN_KEYS as string[]).includes(key))
      throw usageError(`the config file ${path} has an unknown key '${key}' (known keys: ${known})`);
    if (typeof value !== 'string') throw usageError(`the config file ${path}: '${key}' is not a string`);
  }
  return doc as Settings;
}

export function readToken(tokenFile: string | undefined): string {
  if (!tokenFile) {
    throw new CliError(
      'no token: pass --token-file FILE (or set SYSCALL_COUNTER_TOKEN_FILE) with the control plane’s token',
    );
  }
  try {
    return readFileSync(tokenFile, 'utf8').trim();
  } catch (e) {
    throw new CliError(`cannot read the token file ${tokenFile}: ${ioReason(e)}`);
  }
}

export function readCa(tlsCa: string | undefined): Buffer | undefined {
  if (!tlsCa) return undefined;
  try {
    return readFileSync(tlsCa);
  } catch (e) {
    throw new CliError(`cannot read the CA file ${tlsCa}: ${ioReason(e)}`);
  }
}
