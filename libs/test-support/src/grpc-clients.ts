// gRPC clients of a test control plane speaking the real proto: scripted Collect streams,
// raw bytes for malformed input, and the unary queries (the control plane's and the CLI's specs).
import { Client, ClientDuplexStream, credentials, Metadata, ServiceError } from '@grpc/grpc-js';
import {
  CollectRequest,
  CollectResponse,
  CollectorServiceClient,
  Hello,
  QueryServiceClient,
} from '@syscall-counter/proto';
import { ControlPlane, TOKEN } from './control-plane';

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

/** A hello of run @runId from @hostId; @fields replace the defaults. */
export function hello(runId: string, hostId = 'host-test', fields: Partial<Hello> = {}) {
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
      ...fields,
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
      bpfPrograms: [],
      cgroupSyscalls: [],
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
