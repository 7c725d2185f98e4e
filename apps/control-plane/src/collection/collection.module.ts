import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HostsRunsModule } from '../hosts-runs/hosts-runs.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SyscallSetsModule } from '../syscall-sets/syscall-sets.module';
import { BatchStore } from './batch-store';
import { BatchStatement } from './batch-statement';
import { CollectionController } from './collection.controller';
import { HostRollups } from './host-rollups';
import { IngestBatchRepository } from './ingest-batch.repository';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';

@Module({
  imports: [AuthModule, HostsRunsModule, MetricsModule, SyscallSetsModule],
  controllers: [CollectionController],
  providers: [IngestRepository, IngestBatchRepository, HostRollups, BatchStatement, BatchStore, IngestService],
  exports: [IngestService],
})
export class CollectionModule {}
