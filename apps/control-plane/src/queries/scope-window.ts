import type { Scope } from '@syscall-counter/proto';
import { InvalidArgumentError } from '../common/domain-errors';
import type { RunData } from '../hosts-runs/hosts-runs.repository';

/** What a query groups by. 'comm' and 'containerKey' key the detail rows without pids or paths (for diffs). */
export type Key = 'syscall' | 'host' | 'run' | 'process' | 'container' | 'comm' | 'containerKey' | 'errno';

/** Which rows answer: the host-wide deltas, or the rows of one kind of run data. */
export type Source = 'deltas' | RunData;

/** The sources that count calls (latency rows hold histograms: only LatencyService reads them). */
export type CountSource = Exclude<Source, 'latency'>;

export interface DetailFilter {
  pid: number;
  comm: string;
  container: string;
}

/** The far end of an unbounded window. */
export const NEVER = 1n << 62n;

/** A scope with its window resolved: [since, until) in unix ms, unbounded sides as 0 and NEVER. */
export interface Window {
  /** The hosts a scope names (none: every host). */
  hostIds: string[];
  runId: string;
  since: bigint;
  until: bigint;
  bounded: boolean;
  /** Drill-down to one syscall (the stored nr: -2 for the "other" bucket). */
  nr?: number;
  filter: DetailFilter;
}

/**
 * The hosts a scope names: host_id (old clients) and host_ids (a repeated --host), each once;
 * none means every host.
 */
export function hostsOf(scope: Scope | undefined): string[] {
  return [...new Set([scope?.hostId ?? '', ...(scope?.hostIds ?? [])].filter(Boolean))];
}

export function windowOf(scope: Scope | undefined, nr?: number): Window {
  const since = BigInt(scope?.sinceUnixMs || '0');
  const until = BigInt(scope?.untilUnixMs || '0');
  return {
    hostIds: hostsOf(scope),
    runId: scope?.runId ?? '',
    since,
    until: until > 0n ? until : NEVER,
    bounded: since > 0n || until > 0n,
    nr,
    filter: { pid: scope?.pid ?? 0, comm: scope?.comm ?? '', container: scope?.container ?? '' },
  };
}

function invalid(message: string): never {
  throw new InvalidArgumentError(message);
}

/** The rows that answer a grouping under a scope's detail filters; mixes the store cannot answer are rejected. */
export function sourceOf(key: Key, f: DetailFilter, failed = false): CountSource {
  if (key === 'errno' && !failed) invalid('grouping by errno goes with failed calls');
  const processes = key === 'process' || key === 'comm' || f.pid > 0 || f.comm !== '';
  const cgroups = key === 'container' || key === 'containerKey' || f.container !== '';
  if (failed) {
    if (processes || cgroups)
      invalid('failed calls are counted per host (agent --errors), not per process or container');
    return 'failures';
  }
  if (processes && cgroups) {
    invalid(
      'per-process and per-container rows are stored apart: ' +
        'a query cannot mix --pid/--comm/--by process with --container/--by container',
    );
  }
  return processes ? 'processes' : cgroups ? 'cgroups' : 'deltas';
}

/** The agent flag that streams a source's rows, for messages. */
export function agentFlag(source: Source): string {
  const flag: Record<Source, string> = {
    deltas: 'counts',
    processes: 'per-process data (agent -P)',
    cgroups: 'per-cgroup data (agent -C)',
    failures: 'failed-call data (agent --errors)',
    latency: 'latency data (agent --latency)',
  };
  return flag[source];
}
