import { Module } from '@nestjs/common';
import { NO_POD_METADATA, POD_METADATA } from './container-metrics';
import { MetricsHttpServer } from './metrics-http.server';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/**
 * /metrics for Prometheus: the store's per-host counts, ingest's own health, the process.
 * POD_METADATA is the hook for pod names and namespaces (see container-metrics.ts): none by default.
 */
@Module({
  providers: [
    MetricsRepository,
    MetricsService,
    MetricsHttpServer,
    { provide: POD_METADATA, useValue: NO_POD_METADATA },
  ],
  exports: [MetricsService],
})
export class MetricsModule {}
