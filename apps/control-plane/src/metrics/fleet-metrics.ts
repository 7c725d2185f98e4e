import { Arch, errnoName, parseArch, syscallName } from '@syscall-counter/syscall-table';
import type { Registry, RegistryContentType } from 'prom-client';
import { HostKeyedRow, MetricsRepository } from './metrics.repository';
import { registerTableMetric, Sample } from './table-metric';

/** Bucket b of the agent's latency histogram holds calls of [2^b, 2^(b+1)) ns. */
const LATENCY_TOTAL_NS = -1n;

/** The syscall's name on the host's architecture, syscall_N for a number the table does not know. */
export function nameOf(arch: string, nr: bigint): string {
  let a: Arch;
  try {
    a = parseArch(arch);
  } catch {
    return `syscall_${nr}`;
  }
  return syscallName(a, Number(nr));
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

function latency(repo: MetricsRepository, name: string): Sample[] {
  const series = new Map<string, { labels: Record<string, string>; rows: HostKeyedRow[] }>();
  for (const r of repo.latency()) {
    const key = `${r.host_id}\0${r.nr}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels: { host: r.host_id, syscall: nameOf(r.arch, r.nr) }, rows: [] }));
    s.rows.push(r);
  }
  return [...series.values()].flatMap((s) => latencySamples(name, s.labels, s.rows));
}

/** The per-host metrics served from stored history, exact and monotonic across each host's runs. */
export function registerFleetMetrics(registry: Registry<RegistryContentType>, repo: MetricsRepository): void {
  registerTableMetric(
    registry,
    'syscall_counter_syscalls_total',
    'System calls per host and syscall, over all the host runs (exact in-kernel counts).',
    'counter',
    () =>
      repo
        .counts()
        .map((r) => ({ labels: { host: r.host_id, syscall: nameOf(r.arch, r.nr) }, value: Number(r.count) })),
  );
  registerTableMetric(
    registry,
    'syscall_counter_syscall_errors_total',
    'Failed system calls per host, syscall and errno (hosts streaming --errors).',
    'counter',
    () =>
      repo.failures().map((r) => ({
        labels: { host: r.host_id, syscall: nameOf(r.arch, r.nr), errno: errnoName(Number(r.sub)) },
        value: Number(r.count),
      })),
  );
  const latencyName = 'syscall_counter_syscall_duration_seconds';
  registerTableMetric(
    registry,
    latencyName,
    'Time in system calls per host and syscall, log2 buckets (hosts streaming --latency).',
    'histogram',
    () => latency(repo, latencyName),
  );
  registerTableMetric(
    registry,
    'syscall_counter_agent_bpf_run_time_seconds_total',
    "Time in the agent's BPF programs (kernel run-time statistics), per host and program.",
    'counter',
    () =>
      repo.bpf().map((b) => ({ labels: { host: b.host_id, program: b.program }, value: Number(b.run_time_ns) / 1e9 })),
  );
  registerTableMetric(
    registry,
    'syscall_counter_agent_bpf_runs_total',
    "Runs of the agent's BPF programs (kernel run-time statistics), per host and program.",
    'counter',
    () => repo.bpf().map((b) => ({ labels: { host: b.host_id, program: b.program }, value: Number(b.run_count) })),
  );
  const health = () => repo.health();
  registerTableMetric(
    registry,
    'syscall_counter_agent_last_snapshot_timestamp_seconds',
    "When the host's agent last reached the control plane (a stored snapshot or a hello), Unix time.",
    'gauge',
    () => health().map((h) => ({ labels: { host: h.host_id }, value: Number(h.last_seen_ms) / 1000 })),
  );
  registerTableMetric(
    registry,
    'syscall_counter_agent_unattributed_total',
    'Calls the agent counted but could not attribute to a process or container (its map was full).',
    'counter',
    () => health().map((h) => ({ labels: { host: h.host_id }, value: Number(h.unattributed) })),
  );
}
