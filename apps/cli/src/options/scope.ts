import { Command, InvalidArgumentError } from 'commander';
import { Scope } from '@syscall-counter/proto';
import { usageError } from '../errors';
import { parseTimePoint } from '../time-window';
import { positiveInt } from './numbers';

/** Which history a query covers: a host or run, a time window. */
export interface WindowOpts {
  /** Every --host given (repeated, or a,b): several hosts are one scope. */
  host?: string[];
  run?: string;
  since?: string;
  until?: string;
}

/** Which processes or container, in runs streamed with agent -P or -C. */
export interface DetailOpts {
  pid?: number;
  comm?: string;
  container?: string;
}

export interface ScopeOpts extends WindowOpts, DetailOpts {}

export type Breakdown = 'process' | 'container';

const WINDOW_HELP: Required<Record<keyof WindowOpts, string>> = {
  host: 'only this host; repeat it (or a,b) for several',
  run: 'only this run',
  since: 'from this time: a duration back from now (10m, 24h) or a timestamp',
  until: 'up to this time (same forms as --since)',
};

/** Latency runs here unless a control plane is named: its help says which flags need one. */
export const LOCAL_FIRST_WINDOW_HELP: typeof WINDOW_HELP = {
  host: 'with a control plane: only this host (repeat it, or a,b, for several)',
  run: 'with a control plane: only this run',
  since: 'with a control plane: from this time (10m, 24h, or a timestamp)',
  until: 'with a control plane: up to this time',
};

/** --host, --run, --since, --until. */
export function withWindow(cmd: Command, help = WINDOW_HELP): Command {
  return cmd
    .option('--host <id>', help.host, hostList)
    .option('--run <id>', help.run)
    .option('--since <when>', help.since)
    .option('--until <when>', help.until);
}

/** The window and --pid, --comm, --container: the whole scope of a history query. */
export function withScope(cmd: Command): Command {
  return withWindow(cmd)
    .option('--pid <pid>', 'only this process (runs streamed with agent -P)', pidNumber)
    .option('--comm <name>', 'only processes with this name (runs streamed with agent -P)', commName)
    .option(
      '--container <id>',
      'only this container: docker:ID, ID, a systemd unit or a cgroup path (runs streamed with agent -C)',
    );
}

/** --host a --host b,c: every host named, each once, in the order given. */
export function hostList(value: string, previous: string[] | undefined): string[] {
  const hosts = value.split(',').map((h) => h.trim());
  if (hosts.some((h) => !h)) throw new InvalidArgumentError('a host id is not empty: --host a --host b, or --host a,b');
  return [...new Set([...(previous ?? []), ...hosts])];
}

function pidNumber(value: string): number {
  const n = positiveInt(value);
  // PID_MAX_LIMIT on 64-bit kernels.
  if (n > 4194304) throw new InvalidArgumentError('a pid is at most 4194304');
  return n;
}

function commName(value: string): string {
  if (!value || Buffer.byteLength(value) > 15) throw new InvalidArgumentError('a process name (comm) is 1 to 15 bytes');
  return value;
}

/** The detail filters of a scope; -P or -C on a local agent, per-process or per-cgroup rows on a control plane. */
export function detailFrom(opts: DetailOpts): Pick<Scope, 'pid' | 'comm' | 'container'> {
  return { pid: opts.pid ?? 0, comm: opts.comm ?? '', container: opts.container ?? '' };
}

/** Which breakdown a query needs, from --by and the detail filters; they cannot mix. */
export function breakdownOf(by: string, opts: DetailOpts): Breakdown | undefined {
  const process = by === 'process' || opts.pid !== undefined || opts.comm !== undefined;
  const container = by === 'container' || opts.container !== undefined;
  if (process && container) {
    throw usageError(
      'per-process and per-container counts are kept apart: ' +
        '--pid/--comm/--by process do not combine with --container/--by container',
    );
  }
  return process ? 'process' : container ? 'container' : undefined;
}

/** "pid 42", "comm nginx", "container docker:3f2a…" or "". */
export function detailText(opts: DetailOpts): string {
  return [
    opts.pid ? `pid ${opts.pid}` : '',
    opts.comm ? `comm ${opts.comm}` : '',
    opts.container ? `container ${opts.container}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** "run R", "host H", "hosts A, B" or "fleet-wide": the widest thing a scope names. */
export function whereText(opts: Pick<WindowOpts, 'host' | 'run'>): string {
  const hosts = opts.host ?? [];
  if (opts.run) return `run ${opts.run}`;
  return hosts.length ? `host${hosts.length > 1 ? 's' : ''} ${hosts.join(', ')}` : 'fleet-wide';
}

/** The hosts a scope names: its one host_id (what old control planes read) or its host_ids. */
export function scopeHosts(scope: Pick<Scope, 'hostId' | 'hostIds'>): string[] {
  return [...new Set([scope.hostId, ...(scope.hostIds ?? [])].filter(Boolean))];
}

/** One host goes in host_id, which every control plane reads; several in host_ids. */
export function hostFields(hosts: string[] | undefined): Pick<Scope, 'hostId' | 'hostIds'> {
  const all = hosts ?? [];
  return all.length === 1 ? { hostId: all[0], hostIds: [] } : { hostId: '', hostIds: all };
}

export function scopeFrom(opts: ScopeOpts, now = Date.now()): Scope {
  const since = opts.since ? parseTimePoint(opts.since, now) : 0;
  const until = opts.until ? parseTimePoint(opts.until, now) : 0;
  if (since && until && since > until) throw usageError(`--since ${opts.since} is after --until ${opts.until}`);
  return {
    ...hostFields(opts.host),
    runId: opts.run ?? '',
    sinceUnixMs: String(since),
    untilUnixMs: String(until),
    ...detailFrom(opts),
  };
}

/** --host, --run, --since, --until name history, which only a control plane has. */
export function requireServerForWindow(opts: WindowOpts, server: string | undefined): void {
  if (server || !(opts.host?.length || opts.run || opts.since || opts.until)) return;
  throw usageError(
    '--host, --run, --since and --until query a control plane: add --server (or set SYSCALL_COUNTER_SERVER)',
  );
}
