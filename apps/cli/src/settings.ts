import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, ioReason } from './errors';

/** Where the control plane is and how to authenticate: flag, then environment, then config file. */
export interface Settings {
  server?: string;
  tokenFile?: string;
  /** PEM CA bundle: talk TLS to the control plane, trusting these. */
  tlsCa?: string;
}

const CONFIG_FILE = join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'syscall-counter', 'config.json');

export function resolveSettings(
  flags: { server?: string; tokenFile?: string; tlsCa?: string },
  env = process.env,
): Settings {
  let file: Settings = {};
  const path = env.SYSCALL_COUNTER_CONFIG ?? CONFIG_FILE;
  if (existsSync(path)) {
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as Settings;
    } catch (e) {
      throw new CliError(`cannot read the config file ${path}: ${(e as Error).message}`);
    }
  }
  return {
    server: flags.server ?? env.SYSCALL_COUNTER_SERVER ?? file.server,
    tokenFile: flags.tokenFile ?? env.SYSCALL_COUNTER_TOKEN_FILE ?? file.tokenFile,
    tlsCa: flags.tlsCa ?? env.SYSCALL_COUNTER_TLS_CA ?? file.tlsCa,
  };
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
