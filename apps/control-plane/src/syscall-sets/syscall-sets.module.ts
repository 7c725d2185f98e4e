import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HostsRunsModule } from '../hosts-runs/hosts-runs.module';
import { SyscallSetsController } from './syscall-sets.controller';
import { SyscallSetsRepository } from './syscall-sets.repository';
import { SyscallSetsService } from './syscall-sets.service';

/**
 * Per-cgroup syscall sets, stored by ingest whatever the top-K, and QueryService.SyscallSet, which
 * seccomp profiles are made from.
 */
@Module({
  imports: [AuthModule, HostsRunsModule],
  controllers: [SyscallSetsController],
  providers: [SyscallSetsRepository, SyscallSetsService],
  exports: [SyscallSetsRepository],
})
export class SyscallSetsModule {}
