import { Controller, UseGuards } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { SyscallSetRequest, SyscallSetResponse } from '@syscall-counter/proto';
import { TokenGuard } from '../auth/token.guard';
import { SyscallSetsService } from './syscall-sets.service';

/** QueryService.SyscallSet; errors leave through GrpcExceptionFilter like every query's. */
@Controller()
@UseGuards(TokenGuard)
export class SyscallSetsController {
  constructor(private readonly service: SyscallSetsService) {}

  @GrpcMethod('QueryService', 'SyscallSet')
  syscallSet(req: SyscallSetRequest): Promise<SyscallSetResponse> {
    return this.service.syscallSet(req);
  }
}
