import type { Metric, MetricObjectWithValues, MetricValueWithName, Registry, RegistryContentType } from 'prom-client';

export type Labels = Record<string, string | number>;
export interface Sample {
  labels: Labels;
  value: number;
  /** For a histogram's lines: name_bucket, name_sum, name_count. */
  metricName?: string;
}

/**
 * A metric whose samples are read from the store at each scrape (what the store holds is already
 * cumulative: nothing to count in memory). prom-client formats it, in either exposition format,
 * like its own metrics: it calls get() and prints the values. The registry's OpenMetrics mode
 * renames counters in place (dropping _total), so get() reports the name it is given then.
 */
export function registerTableMetric(
  registry: Registry<RegistryContentType>,
  name: string,
  help: string,
  type: 'counter' | 'gauge' | 'histogram',
  read: () => Sample[],
): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
      return Promise.resolve({
        name: metric.name,
        help,
        type: type as never,
        aggregator: 'sum',
        collect: () => undefined,
        values: read() as MetricValueWithName<string>[],
      });
    },
  };
  registry.registerMetric(metric as unknown as Metric);
}
