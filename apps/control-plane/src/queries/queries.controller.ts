import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type {
  DiffRequest,
  DiffResponse,
  LatencyRequest,
  LatencyResponse,
  ListHostsResponse,
  ListRunsRequest,
  ListRunsResponse,
  SeriesRequest,
  SeriesResponse,
  TopRequest,
  TopResponse,
} from '@syscall-counter/proto';
import { TokenGuard } from '../auth/token.guard';
import { HostsRunsService } from '../hosts-runs/hosts-runs.service';
import { DiffService } from './diff.service';
import { LatencyService } from './latency.service';
import { SeriesService } from './series.service';
import { TopService } from './top.service';

/** QueryService: each RPC answered by the service of its concern; errors leave through GrpcExceptionFilter. */
@Controller()
@UseGuards(TokenGuard)
export class QueriesController {
  constructor(
    private readonly hostsRuns: HostsRunsService,
    private readonly topService: TopService,
    private readonly seriesService: SeriesService,
    private readonly diffService: DiffService,
    private readonly latencyService: LatencyService,
  ) {}

  @GrpcMethod('QueryService', 'ListHosts')
  async listHosts(): Promise<ListHostsResponse> {
    return { hosts: await this.hostsRuns.listHosts() };
  }

  @GrpcMethod('QueryService', 'ListRuns')
  async listRuns(req: ListRunsRequest): Promise<ListRunsResponse> {
    return { runs: await this.hostsRuns.listRuns(req.hostId) };
  }

  @GrpcMethod('QueryService', 'Top')
  top(req: TopRequest): Promise<TopResponse> {
    return this.topService.top(req);
  }

  @GrpcMethod('QueryService', 'Series')
  series(req: SeriesRequest): Promise<SeriesResponse> {
    return this.seriesService.series(req);
  }

  @GrpcMethod('QueryService', 'Diff')
  diff(req: DiffRequest): Promise<DiffResponse> {
    return this.diffService.diff(req);
  }

  @GrpcMethod('QueryService', 'Latency')
  latency(req: LatencyRequest): Promise<LatencyResponse> {
    return this.latencyService.latency(req);
  }
}
