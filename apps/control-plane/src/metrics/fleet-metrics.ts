import { Arch, errnoName, parseArch, syscallName } from '@syscall-counter/syscall-table';
import { HostKeyedRow, MetricsRepository } from './metrics.repository';
import { SyscallLinesCache } from './syscall-lines-cache';
import { Sample, TableMetric } from './table-metric';

/** Bucket b of the agent's latency histogram holds calls of [2^b, 2^(b+1)) ns. */
const LATENCY_TOTAL_NS = -1n;

/** The syscall's name on the host's architecture, syscall_N for a number the table does not know. */
export function nameOf(arch: string, nr: bigint | number): string {
  const a = archOf(arch);
  return a ? syscallName(a, Number(nr)) : `syscall_${nr}`;
}

const arches = new Map<string, Arch | undefined>();

/** The host's architecture as the syscall table names it; undefined when it knows none such. */
function archOf(arch: string): Arch | undefined {
  if (!arches.has(arch)) {
    try {
      arches.set(arch, parseArch(arch));
    } catch {
      arches.set(arch, undefined);
    }
  }
  return arches.get(arch);
}

/** A histogram's lines for one (host, syscall): cumulative le buckets up to the last non-empty one. */
export function latencySamples(name: string, labels: Record<string, string>, rows: HostKeyedRow[]): Sample[] {
  const buckets = new Array<number>(64).fill(0);
  let sumNs = 0;
  let top = -1;
  for (const r of rows) {
    if (r.sub === LATENCY_TOTAL_NS) sumNs = Number(r.count);
    else if (r.sub >= 0n && r.sub < 64n) {
      buckets[Number(r.sub)] = Number(r.count);
      top = Math.max(top, Number(r.sub));
    }
  }
  const out: Sample[] = [];
  let cumulative = 0;
  for (let b = 0; b <= top; b++) {
    cumulative += buckets[b];
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: 2 ** (b + 1) / 1e9 }, value: cumulative });
  }
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cumulative });
  out.push({ metricName: `${name}_sum`, labels, value: sumNs / 1e9 });
  out.push({ metricName: `${name}_count`, labels, value: cumulative });
  return out;
}

async function latency(repo: MetricsRepository, name: string): Promise<Sample[]> {
  const series = new Map<string, { labels: Record<string, string>; rows: HostKeyedRow[] }>();
  for (const r of await repo.latency()) {
    const key = `${r.host_id}\0${r.nr}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels: { host: r.host_id, syscall: nameOf(r.arch, r.nr) }, rows: [] }));
    s.rows.push(r);
  }
  return [...series.values()].flatMap((s) => latencySamples(name, s.labels, s.rows));
}

/**
 * One read of the store for two families a scrape renders one after the other (BPF time and runs;
 * last contact and unattributed calls): first() reads and keeps the rows, second() takes them (or
 * reads afresh when first() did not run just before, e.g. a scrape that failed in between).
 */
export function sharedRead<T>(read: () => Promise<T[]>): { first: () => Promise<T[]>; second: () => Promise<T[]> } {
  let kept: Promise<T[]> | undefined;
  return {
    first: () => (kept = read()),
    second: () => {
      const rows = kept ?? read();
      kept = undefined;
      return rows;
    },
  };
}

/** The per-host metrics served from stored history, exact and monotonic across each host's runs. */
export function fleetMetrics(repo: MetricsRepository): TableMetric[] {
  const latencyName = 'syscall_counter_syscall_duration_seconds';
  const health = sharedRead(() => repo.health());
  const bpf = sharedRead(() => repo.bpf());
  const syscallLines = new SyscallLinesCache(repo);
  return [
    {
      name: 'syscall_counter_syscalls_total',
      help: 'System calls per host and syscall, over all the host runs (exact in-kernel counts).',
      type: 'counter',
      read: () => [],
      blocks: () => syscallLines.blocks(),
    },
    {
      name: 'syscall_counter_syscall_errors_total',
      help: 'Failed system calls per host, syscall and errno (hosts streaming --errors).',
      type: 'counter',
      read: async () =>
        (await repo.failures()).map((r) => ({
          labels: { host: r.host_id, syscall: nameOf(r.arch, r.nr), errno: errnoName(Number(r.sub)) },
          value: Number(r.count),
        })),
    },
    {
      name: latencyName,
      help: 'Time in system calls per host and syscall, log2 buckets (hosts streaming --latency).',
      type: 'histogram',
      read: () => latency(repo, latencyName),
    },
    {
      name: 'syscall_counter_agent_bpf_run_time_seconds_total',
      help: "Time in the agent's BPF programs (kernel run-time statistics), per host and program.",
      type: 'counter',
      read: async () =>
        (await bpf.first()).map((b) => ({
          labels: { host: b.host_id, program: b.program },
          value: Number(b.run_time_ns) / 1e9,
        })),
    },
    {
      name: 'syscall_counter_agent_bpf_runs_total',
      help: "Runs of the agent's BPF programs (kernel run-time statistics), per host and program.",
      type: 'counter',
      read: async () =>
        (await bpf.second()).map((b) => ({
          labels: { host: b.host_id, program: b.program },
          value: Number(b.run_count),
        })),
    },
    {
      name: 'syscall_counter_agent_last_snapshot_timestamp_seconds',
      help: "When the host's agent last reached the control plane (a stored snapshot or a hello), Unix time.",
      type: 'gauge',
      read: async () =>
        (await health.first()).map((h) => ({ labels: { host: h.host_id }, value: Number(h.last_seen_ms) / 1000 })),
    },
    {
      name: 'syscall_counter_agent_unattributed_total',
      help: 'Calls the agent counted but could not attribute to a process or container (its map was full).',
      type: 'counter',
      read: async () =>
        (await health.second()).map((h) => ({ labels: { host: h.host_id }, value: Number(h.unattributed) })),
    },
  ];
}
