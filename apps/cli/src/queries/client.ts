import { ChannelCredentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import {
  DiffRequest,
  DiffResponse,
  Host,
  LatencyRequest,
  LatencyResponse,
  QueryServiceClient,
  Run,
  SeriesRequest,
  SeriesResponse,
  SyscallSetRequest,
  SyscallSetResponse,
  TopRequest,
  TopResponse,
} from '@syscall-counter/proto';
import { remoteError } from './remote-errors';

type Method<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: { deadline: Date },
  cb: (e: ServiceError | null, r: Res) => void,
) => unknown;

/**
 * The control plane's QueryService, promisified; a failed call rejects with a RemoteError
 * (remote-errors.ts). @address may list replicas (a:50051,b:50051): a call goes to the first that
 * answers (the next is tried only when one is UNAVAILABLE), and later calls start from it.
 */
export class QueryClient {
  private readonly addresses: string[];
  private readonly clients = new Map<string, QueryServiceClient>();
  private readonly metadata = new Metadata();
  private current = 0;

  constructor(
    readonly address: string,
    token: string,
    private readonly caPem?: Buffer,
  ) {
    this.addresses = address.split(',');
    this.metadata.set('authorization', `Bearer ${token}`);
  }

  private clientAt(address: string): QueryServiceClient {
    let c = this.clients.get(address);
    if (!c) {
      const creds = this.caPem ? ChannelCredentials.createSsl(this.caPem) : ChannelCredentials.createInsecure();
      c = new QueryServiceClient(address, creds);
      this.clients.set(address, c);
    }
    return c;
  }

  /** The replica calls go to: the one that answered last (the first of the list before any call). */
  get answering(): string {
    return this.addresses[this.current];
  }

  private get client(): QueryServiceClient {
    return this.clientAt(this.addresses[this.current]);
  }

  private async call<Req, Res>(method: Method<Req, Res>, req: Req): Promise<Res> {
    for (let tried = 1; ; tried++) {
      const address = this.addresses[this.current];
      try {
        return await this.callOne(this.clientAt(address), method, req);
      } catch (e) {
        const err = e as ServiceError;
        if (err.code !== status.UNAVAILABLE) throw remoteError(err, address);
        if (tried >= this.addresses.length) throw remoteError(err, this.address);
        this.current = (this.current + 1) % this.addresses.length;
      }
    }
  }

  private callOne<Req, Res>(client: QueryServiceClient, method: Method<Req, Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(client, req, this.metadata, { deadline: new Date(Date.now() + 15000) }, (err, res) => {
        if (err) reject(err);
        else resolve(res);
      });
    });
  }

  async hosts(): Promise<Host[]> {
    return (await this.call(this.client.listHosts, {})).hosts;
  }

  async runs(hostId = ''): Promise<Run[]> {
    return (await this.call(this.client.listRuns, { hostId })).runs;
  }

  top(req: TopRequest): Promise<TopResponse> {
    return this.call(this.client.top, req);
  }

  series(req: SeriesRequest): Promise<SeriesResponse> {
    return this.call(this.client.series, req);
  }

  diff(req: DiffRequest): Promise<DiffResponse> {
    return this.call(this.client.diff, req);
  }

  latency(req: LatencyRequest): Promise<LatencyResponse> {
    return this.call(this.client.latency, req);
  }

  syscallSet(req: SyscallSetRequest): Promise<SyscallSetResponse> {
    return this.call(this.client.syscallSet, req);
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}
