import { ChannelCredentials, Metadata, ServiceError } from '@grpc/grpc-js';
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

/** The control plane's QueryService, promisified; a failed call rejects with a RemoteError (remote-errors.ts). */
export class QueryClient {
  private readonly client: QueryServiceClient;
  private readonly metadata = new Metadata();

  constructor(
    readonly address: string,
    token: string,
    caPem?: Buffer,
  ) {
    this.client = new QueryServiceClient(
      address,
      caPem ? ChannelCredentials.createSsl(caPem) : ChannelCredentials.createInsecure(),
    );
    this.metadata.set('authorization', `Bearer ${token}`);
  }

  private call<Req, Res>(
    method: (req: Req, md: Metadata, opts: { deadline: Date }, cb: (e: ServiceError | null, r: Res) => void) => unknown,
    req: Req,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(this.client, req, this.metadata, { deadline: new Date(Date.now() + 15000) }, (err, res) => {
        if (err) reject(remoteError(err, this.address));
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
    this.client.close();
  }
}
