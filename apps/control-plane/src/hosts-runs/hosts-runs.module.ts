import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Host } from './host.entity';
import { HostsRunsRepository } from './hosts-runs.repository';
import { HostsRunsService } from './hosts-runs.service';
import { Run } from './run.entity';
import { RetentionMarksRepository } from '../retention/retention-marks.repository';

@Module({
  imports: [TypeOrmModule.forFeature([Host, Run])],
  providers: [HostsRunsRepository, HostsRunsService, RetentionMarksRepository],
  exports: [HostsRunsRepository, HostsRunsService],
})
export class HostsRunsModule {}
