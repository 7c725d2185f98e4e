import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Client, ClientDuplexStream, credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import { CollectRequest, CollectResponse, CollectorServiceClient, QueryServiceClient } from '@syscall-counter/proto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const ROOT = join(__dirname, '../../..');
export const MAIN = join(ROOT, 'apps/control-plane/dist/main.js');
export const AGENT = join(ROOT, 'agent/syscall-counter-agent');
export const WORKLOAD = join(ROOT, 'agent/.output/workload');
export const TOKEN = 'test-token-0123456789abcdef';

export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** A real control plane process on loopback with a real SQLite file in a temp dir. */
export class ControlPlane {
  proc?: ChildProcess;
  log = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'sc-cp-'));
  readonly dbPath = join(this.dir, 'history.db');
  readonly tokenFile = join(this.dir, 'token');
  address = '';

  constructor(private readonly env: Record<string, string> = {}) {
    writeFileSync(this.tokenFile, TOKEN);
  }

  async start(port?: number): Promise<void> {
    port ??= await freePort();
    this.address = `127.0.0.1:${port}`;
    const proc = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        SC_LISTEN: this.address,
        SC_DB_PATH: this.dbPath,
        SC_TOKEN_FILE: this.tokenFile,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    await new Promise<void>((res, rej) => {
      const onData = (d: Buffer) => {
        this.log += d;
        if (this.log.includes('"msg":"listening"')) res();
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (d) => (this.log += d));
      proc.on('close', (code) => rej(new Error(`control plane exited ${code}: ${this.log}`)));
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const closed = new Promise((r) => p.once('close', r));
    p.kill(signal);
    await closed;
  }

  db(): Database.Database {
    return new Database(this.dbPath, { readonly: true });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function auth(token = TOKEN): Metadata {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

/** A scripted Collect stream: write requests, read responses in order, see how it ends. */
export class CollectSession {
  readonly responses: CollectResponse[] = [];
  readonly ended: Promise<ServiceError | null>;
  private readonly call: ClientDuplexStream<CollectRequest, CollectResponse>;
  private waiters: Array<() => void> = [];

  constructor(client: CollectorServiceClient, md: Metadata) {
    this.call = client.collect(md);
    this.call.on('data', (r: CollectResponse) => {
      this.responses.push(r);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.ended = new Promise((res) => {
      this.call.on('error', (e: ServiceError) => res(e));
      this.call.on('end', () => res(null));
    });
    this.ended.then(() => this.waiters.splice(0).forEach((w) => w()));
  }

  send(req: CollectRequest): void {
    this.call.write(req);
  }

  async next(n: number): Promise<CollectResponse[]> {
    while (this.responses.length < n) {
      const settled = await Promise.race([
        this.ended.then(() => true),
        new Promise<boolean>((r) => this.waiters.push(() => r(false))),
      ]);
      if (settled && this.responses.length < n)
        throw new Error(`stream ended after ${this.responses.length} responses`);
    }
    return this.responses.slice(0, n);
  }

  close(): void {
    this.call.end();
  }
}

export function collector(cp: ControlPlane): CollectorServiceClient {
  return new CollectorServiceClient(cp.address, credentials.createInsecure());
}

export function queries(cp: ControlPlane): QueryServiceClient {
  return new QueryServiceClient(cp.address, credentials.createInsecure());
}

/** Sends raw bytes as one message of the Collect stream: for malformed input. */
export function rawCollect(cp: ControlPlane, payload: Buffer): Promise<ServiceError | null> {
  const client = new Client(cp.address, credentials.createInsecure());
  const call = client.makeBidiStreamRequest<Buffer, Buffer>(
    '/syscall_counter.v1.CollectorService/Collect',
    (b) => b,
    (b) => b,
    auth(),
  );
  return new Promise((res) => {
    call.on('data', () => undefined);
    call.on('error', (e: ServiceError) => {
      client.close();
      res(e);
    });
    call.on('end', () => {
      client.close();
      res(null);
    });
    call.write(payload);
  });
}

export function hello(runId: string, hostId = 'host-test') {
  return {
    hello: {
      hostId,
      hostname: 'test',
      kernelRelease: '6.1.0',
      arch: 'x86_64',
      bootId: 'boot',
      agentVersion: 'test',
      mapMode: 'percpu',
      intervalMs: 1000,
      runId,
      runStartedUnixMs: '1700000000000',
      scope: 'all processes',
      processTopK: 0,
      cgroupTopK: 0,
      errors: false,
      latency: false,
    },
  };
}

export function snapshot(
  runId: string,
  seq: number,
  counts: Record<number, number | string>,
  other = 0,
  final = false,
) {
  return {
    snapshot: {
      runId,
      seq: String(seq),
      timeUnixMs: String(1700000000000 + seq * 1000),
      counts: [
        ...Object.entries(counts).map(([nr, count]) => ({ nr: Number(nr), count: String(count) })),
        ...(other ? [{ nr: -2, count: String(other) }] : []),
      ],
      final,
      processes: [],
      cgroups: [],
      unattributed: '0',
      failures: [],
      latency: [],
    },
  };
}

export function unary<Req, Res>(client: unknown, method: string, req: Req, md = auth()): Promise<Res> {
  return new Promise((res, rej) =>
    (client as Record<string, (r: Req, m: Metadata, cb: (e: ServiceError | null, v: Res) => void) => void>)[method](
      req,
      md,
      (e, v) => (e ? rej(e) : res(v)),
    ),
  );
}

export interface AgentRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runAgentSync(args: string[]): AgentRun {
  const r = spawnSync(AGENT, args, { encoding: 'utf8', timeout: 90000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startAgent(args: string[]): { proc: ChildProcess; done: Promise<AgentRun> } {
  const proc = spawn(AGENT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<AgentRun>((r) => proc.on('close', (status) => r({ status, stdout, stderr })));
  return { proc, done };
}

/** getppid count from the agent's own CSV report. */
export function agentGetppid(csv: string): bigint {
  const row = csv.split('\n').find((l) => l.startsWith('110,getppid,'));
  return row ? BigInt(row.split(',')[2]) : 0n;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
