import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from '../errors';

export interface EmbeddedControlPlane {
  address: string;
  token: string;
  tokenFile: string;
  dbPath: string;
  stop(): Promise<void>;
}

const DEFAULT_DB_PATH = join(process.cwd(), 'data', 'syscall-counter.db');

function controlPlaneMain(): string {
  const path = process.env.SYSCALL_COUNTER_CONTROL_PLANE ?? resolve(__dirname, '../../../control-plane/dist/main.js');
  if (!existsSync(path)) throw new CliError(`the control plane is not built (${path}): run 'npm run bootstrap'`);
  return path;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** Starts a control plane of our own on a free loopback port, with a fresh token, and waits until it listens. */
export async function startEmbedded(dbPath = DEFAULT_DB_PATH): Promise<EmbeddedControlPlane> {
  const main = controlPlaneMain();
  const dir = mkdtempSync(join(tmpdir(), 'syscall-counter-'));
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const port = await freeLoopbackPort();
  const address = `127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      SC_LISTEN: address,
      SC_DB_PATH: dbPath,
      SC_TOKEN_FILE: tokenFile,
      SC_LOG_FORMAT: 'json',
      SC_METRICS_LISTEN: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: the terminal's Ctrl-C is ours to handle, and the agent's
    // final snapshot still needs this control plane to ack it.
    detached: true,
  });
  const exited = new Promise<void>((r) => proc.on('close', () => r()));
  let log = '';
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(
      () => rej(new CliError(`the embedded control plane did not start within 30 s:\n${log}`)),
      30000,
    );
    const onData = (d: Buffer) => {
      log += d;
      if (log.includes('"msg":"listening"')) {
        clearTimeout(timer);
        res();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (d) => (log += d));
    proc.on('close', (code) => {
      clearTimeout(timer);
      rej(new CliError(`the embedded control plane exited (status ${code}): ${log.trim().split('\n').pop()}`));
    });
  });
  proc.stdout.removeAllListeners('data');
  proc.stdout.resume();
  return {
    address,
    token,
    tokenFile,
    dbPath,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
