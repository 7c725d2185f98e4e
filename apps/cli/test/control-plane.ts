import { spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../..');
export const CLI = join(ROOT, 'apps/cli/dist/main.js');
export const AGENT = join(ROOT, 'agent/syscall-counter-agent');
export const WORKLOAD = join(ROOT, 'agent/.output/workload');

export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** The CLI with no config file, so only flags and the given environment count. */
export function cli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): SpawnSyncReturns<string> {
  return spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60000,
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, SYSCALL_COUNTER_CONFIG: '/nonexistent', ...opts.env },
  });
}

export interface TestControlPlane {
  dir: string;
  address: string;
  tokenFile: string;
  conn: string[];
  /** Runs a `-- CMD` workload under a real agent streaming to this control plane. */
  runAgent(hostId: string, runId: string, workload: string[], agentArgs?: string[]): SpawnSyncReturns<string>;
  stop(): void;
}

/** A real control plane (built dist) on a free loopback port with its own SQLite file. */
export async function startControlPlane(
  extraEnv: (dir: string) => Record<string, string> = () => ({}),
): Promise<TestControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-cli-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'cli-test-token-0123456789');
  const address = `127.0.0.1:${await freePort()}`;
  const cp = spawn('node', [join(ROOT, 'apps/control-plane/dist/main.js')], {
    env: {
      ...process.env,
      SC_LISTEN: address,
      SC_DB_PATH: join(dir, 'db.sqlite'),
      SC_TOKEN_FILE: tokenFile,
      ...extraEnv(dir),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((res, rej) => {
    let log = '';
    cp.stdout!.on('data', (d) => {
      log += d;
      if (log.includes('"msg":"listening"')) res();
    });
    cp.on('close', (code) => rej(new Error(`the control plane exited (${code}) before listening: ${log}`)));
  });
  return {
    dir,
    address,
    tokenFile,
    conn: ['--server', address, '--token-file', tokenFile],
    runAgent: (hostId, runId, workload, agentArgs = []) =>
      spawnSync(
        AGENT,
        [
          '--server',
          address,
          '--token-file',
          tokenFile,
          '--host-id',
          hostId,
          '--run-id',
          runId,
          '-i',
          '1',
          ...agentArgs,
          '--',
          ...(workload[0] === 'sh' ? workload : [WORKLOAD, ...workload]),
        ],
        { encoding: 'utf8' },
      ),
    stop: () => {
      cp.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
