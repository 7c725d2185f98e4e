import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AgentResult, runAgent } from './agent';
import { CONTROL_PLANE_MAIN, WORKLOAD } from './paths';
import { freePort } from './ports';
import { waitForOutput } from './processes';
import { createDatabase, pgReader, SqlReader, testEngine } from './postgres';

/** What the control plane logs on stdout once its gRPC server accepts calls. */
export const CONTROL_PLANE_READY = '"msg":"listening"';
export const TOKEN = 'test-token-0123456789abcdef';

/** Extra environment, or a function of the control plane's temp dir (e.g. to write TLS certificates there). */
export type ControlPlaneEnv = Record<string, string> | ((dir: string) => Record<string, string>);

/**
 * A real control plane process (built dist) on loopback, with a real SQLite file in a temp dir, or
 * (SC_TEST_DB=postgres) a database of its own on the suite's PostgreSQL cluster.
 */
export class ControlPlane {
  proc?: ChildProcess;
  /** Everything it printed, stdout and stderr. */
  log = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'sc-cp-'));
  readonly dbPath = join(this.dir, 'history.db');
  readonly tokenFile = join(this.dir, 'token');
  /** Its PostgreSQL database (SC_TEST_DB=postgres), created on the first start, kept across restarts. */
  dbUrl = '';
  address = '';
  private readonly env: Record<string, string>;

  constructor(env: ControlPlaneEnv = {}) {
    writeFileSync(this.tokenFile, TOKEN);
    this.env = typeof env === 'function' ? env(this.dir) : env;
  }

  /** Starts it (again, after stop) on @port or a free one; resolves once it is listening. */
  async start(port?: number): Promise<void> {
    port ??= await freePort();
    this.address = `127.0.0.1:${port}`;
    if (testEngine() === 'postgres' && !this.dbUrl) this.dbUrl = createDatabase();
    const proc = spawn(process.execPath, [CONTROL_PLANE_MAIN], {
      env: {
        ...process.env,
        SC_LISTEN: this.address,
        SC_DB_PATH: this.dbPath,
        SC_TOKEN_FILE: this.tokenFile,
        // No /metrics unless the test asks (METRICS_ON_FREE_PORT): suites run side by side, and
        // the default port is one for the whole machine.
        SC_METRICS_LISTEN: 'off',
        ...(this.dbUrl ? { SC_DB_URL: this.dbUrl } : {}),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout!.on('data', (d) => (this.log += d));
    proc.stderr!.on('data', (d) => (this.log += d));
    await waitForOutput(proc, 'stdout', CONTROL_PLANE_READY, 'the control plane');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const closed = new Promise((r) => p.once('close', r));
    p.kill(signal);
    await closed;
  }

  /** Removes the temp dir (database, token, anything a test wrote there). */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** stop() then cleanup(): the end of a test file. */
  async close(): Promise<void> {
    await this.stop();
    this.cleanup();
  }

  /** Its database, read-only (the SQLite file, or PostgreSQL through psql): close it after use. */
  db(): SqlReader {
    if (this.dbUrl) return pgReader(this.dbUrl);
    return new Database(this.dbPath, { readonly: true });
  }

  /** The CLI's flags to reach it. */
  get conn(): string[] {
    return ['--server', this.address, '--token-file', this.tokenFile];
  }

  /**
   * Runs a workload under a real agent streaming to it every second: @workload is the
   * workload's arguments, or a `sh ...` command line.
   */
  runAgent(hostId: string, runId: string, workload: string[], agentArgs: string[] = []): AgentResult {
    const command = workload[0] === 'sh' ? workload : [WORKLOAD, ...workload];
    return runAgent([...this.conn, '--host-id', hostId, '--run-id', runId, '-i', '1', ...agentArgs, '--', ...command]);
  }
}

/** A started control plane: `new ControlPlane(env)` then `start()`. */
export async function startControlPlane(env: ControlPlaneEnv = {}): Promise<ControlPlane> {
  const cp = new ControlPlane(env);
  await cp.start();
  return cp;
}
