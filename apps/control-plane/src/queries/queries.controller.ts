import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type {
  DiffRequest,
  DiffResponse,
  LatencyRequest,
  LatencyResponse,
  SeriesRequest,
  SeriesResponse,
  ListHostsResponse,
  ListRunsRequest,
  ListRunsResponse,
  TopRequest,
  TopResponse,
} from '@syscall-counter/proto';
import { TokenGuard } from '../auth/token.guard';
import { QueriesService } from './queries.service';

@Controller()
@UseGuards(TokenGuard)
export class QueriesController {
  constructor(private readonly queries: QueriesService) {}

  @GrpcMethod('QueryService', 'ListHosts')
  listHosts(): ListHostsResponse {
    return { hosts: this.queries.listHosts() };
  }

  @GrpcMethod('QueryService', 'ListRuns')
  listRuns(req: ListRunsRequest): ListRunsResponse {
    return { runs: this.queries.listRuns(req.hostId) };
  }

  @GrpcMethod('QueryService', 'Top')
  top(req: TopRequest): TopResponse {
    return this.queries.top(req);
  }

  @GrpcMethod('QueryService', 'Series')
  series(req: SeriesRequest): SeriesResponse {
    return this.queries.series(req);
  }

  @GrpcMethod('QueryService', 'Diff')
  diff(req: DiffRequest): DiffResponse {
    return this.queries.diff(req);
  }

  @GrpcMethod('QueryService', 'Latency')
  latency(req: LatencyRequest): LatencyResponse {
    return this.queries.latency(req);
  }
}
