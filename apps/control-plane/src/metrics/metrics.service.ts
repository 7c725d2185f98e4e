import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, RegistryContentType } from 'prom-client';
import { version } from '../command-line';
import { containerMetric, POD_METADATA, PodMetadata } from './container-metrics';
import { fleetMetrics } from './fleet-metrics';
import { MetricsConfig } from './metrics-config';
import { MetricsRepository } from './metrics.repository';
import { renderFamily, TableMetric } from './table-metric';

export type SnapshotOutcome = 'stored' | 'duplicate' | 'rejected';

/** The live metrics of one registry: what ingest counts as it goes. */
interface LiveMetrics {
  snapshots: Counter<'outcome'>;
  ackSeconds: Histogram;
  streams: Gauge;
  rejected: Counter<'code'>;
}

export interface Exposition {
  contentType: string;
  /** The text, encoded: 4.4 MB for 1,000 hosts, assembled from blocks encoded when first rendered. */
  body: Buffer;
}

/**
 * The control plane's metrics. Its own (ingest, process, build) are prom-client's, in two
 * registries: one renders the Prometheus text format, the other OpenMetrics (prom-client fixes
 * the format per registry, and renames an OpenMetrics registry's counters in place, so the two
 * cannot share metric objects); ingest records in both. The per-host families are read from the
 * store at each scrape and formatted by renderFamily (see table-metric.ts), the per-host syscall
 * lines kept between scrapes for hosts whose counts did not move (syscall-lines-cache.ts).
 */
@Injectable()
export class MetricsService {
  private readonly text: AnyRegistry = new Registry();
  private readonly open: AnyRegistry = openMetricsRegistry();
  private readonly live: LiveMetrics[];
  private readonly tables: TableMetric[];

  constructor(repo: MetricsRepository, config: ConfigService, @Inject(POD_METADATA) pods: PodMetadata) {
    const { containers } = config.getOrThrow<MetricsConfig>('metrics');
    this.tables = [...fleetMetrics(repo), ...(containers > 0 ? [containerMetric(repo, containers, pods)] : [])];
    this.live = [this.text, this.open].map((registry) => {
      collectDefaultMetrics({ register: registry });
      new Gauge({
        name: 'syscall_counter_build_info',
        help: 'The control plane version (always 1).',
        labelNames: ['version'],
        registers: [registry],
      }).set({ version: version() }, 1);
      return liveMetrics(registry);
    });
  }

  snapshot(outcome: SnapshotOutcome): void {
    for (const m of this.live) m.snapshots.inc({ outcome });
  }

  /** Seconds from a snapshot's arrival to its ack (its transaction committed). */
  ack(seconds: number): void {
    for (const m of this.live) m.ackSeconds.observe(seconds);
  }

  streamOpened(): void {
    for (const m of this.live) m.streams.inc();
  }

  streamClosed(): void {
    for (const m of this.live) m.streams.dec();
  }

  /** A Collect stream ended with an error status (its gRPC code name). */
  rejected(code: string): void {
    for (const m of this.live) m.rejected.inc({ code });
  }

  /** The exposition the Accept header asks for: OpenMetrics when it names it, else the text format. */
  async render(accept: string | undefined): Promise<Exposition> {
    const openMetrics = Boolean(accept?.includes('application/openmetrics-text'));
    const registry = openMetrics ? this.open : this.text;
    const own = await registry.metrics();
    // OpenMetrics ends with '# EOF': the stored families go before it.
    const eof = openMetrics && own.endsWith('# EOF\n') ? '# EOF\n' : '';
    const parts: Buffer[] = [Buffer.from(eof ? own.slice(0, -eof.length) : own)];
    // One family after the other: each awaits its read of the store.
    for (const t of this.tables) parts.push(...(await renderFamily(t, openMetrics)));
    parts.push(Buffer.from(eof));
    return { contentType: registry.contentType, body: Buffer.concat(parts) };
  }
}

type AnyRegistry = Registry<RegistryContentType>;

function openMetricsRegistry(): AnyRegistry {
  const r: AnyRegistry = new Registry();
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return r;
}

function liveMetrics(registry: AnyRegistry): LiveMetrics {
  const registers = [registry];
  return {
    snapshots: new Counter({
      name: 'syscall_counter_ingest_snapshots_total',
      help: 'Snapshots received from agents, by outcome (stored, duplicate, rejected).',
      labelNames: ['outcome'],
      registers,
    }),
    ackSeconds: new Histogram({
      name: 'syscall_counter_ingest_ack_seconds',
      help: 'From a snapshot arriving to its ack, after its transaction committed.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    streams: new Gauge({ name: 'syscall_counter_streams_open', help: 'Open agent Collect streams.', registers }),
    rejected: new Counter({
      name: 'syscall_counter_rejected_total',
      help: 'Agent streams ended with an error status, by gRPC code.',
      labelNames: ['code'],
      registers,
    }),
  };
}
