import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type {
  ListHostsRequest,
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
  listHosts(_req: ListHostsRequest): ListHostsResponse {
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
}
