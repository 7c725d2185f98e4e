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
  TopRequest,
  TopResponse,
} from '@syscall-counter/proto';
import { CliError } from './errors';

/** The control plane's QueryService, promisified, with its errors turned into one-line CLI errors. */
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
        if (err) reject(this.explain(err));
        else resolve(res);
      });
    });
  }

  private explain(err: ServiceError): CliError {
    switch (err.code) {
      case status.UNAVAILABLE:
      case status.DEADLINE_EXCEEDED:
        return new CliError(
          `cannot reach the control plane at ${this.address} (${err.details}): start one with 'npx nx run control-plane:serve', or run 'syscall-counter top' without --server for an embedded one`,
        );
      case status.UNAUTHENTICATED:
        return new CliError(`the control plane at ${this.address} rejected the token: ${err.details}`);
      case status.NOT_FOUND:
      case status.INVALID_ARGUMENT:
        return new CliError(err.details);
      default:
        return new CliError(`control plane error (${status[err.code] ?? err.code}): ${err.details}`);
    }
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

  close(): void {
    this.client.close();
  }
}
