import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { HostsRunsModule } from '../hosts-runs/hosts-runs.module';
import { BreakdownsRepository } from './data/breakdowns.repository';
import { CountsRepository } from './data/counts.repository';
import { FailuresRepository } from './data/failures.repository';
import { HostTotalsRepository } from './data/host-totals.repository';
import { LatencyRepository } from './data/latency.repository';
import { RollupsRepository } from './data/rollups.repository';
import { RetentionMarksRepository } from '../retention/retention-marks.repository';
import { DiffService } from './diff.service';
import { LatencyService } from './latency.service';
import { QueriesController } from './queries.controller';
import { ScopeChecks } from './scope-checks';
import { SeriesService } from './series.service';
import { TallyService } from './tally.service';
import { TopService } from './top.service';

@Module({
  imports: [AuthModule, HostsRunsModule],
  controllers: [QueriesController],
  providers: [
    BreakdownsRepository,
    CountsRepository,
    FailuresRepository,
    HostTotalsRepository,
    LatencyRepository,
    RollupsRepository,
    RetentionMarksRepository,
    ScopeChecks,
    TallyService,
    TopService,
    SeriesService,
    DiffService,
    LatencyService,
  ],
  exports: [TopService, SeriesService, DiffService, LatencyService],
})
export class QueriesModule {}
