import { Command, InvalidArgumentError } from 'commander';
import { Scope } from '@syscall-counter/proto';
import { CliError } from '../errors';
import { parseTimePoint } from '../time-window';
import { positiveInt } from './options';

export interface ScopeOpts extends DetailOpts {
  host?: string;
  run?: string;
  since?: string;
  until?: string;
}

export interface DetailOpts {
  pid?: number;
  comm?: string;
  container?: string;
}

/** --host, --run, --since, --until: which history a query covers. */
export function withScope(cmd: Command): Command {
  return cmd
    .option('--host <id>', 'only this host')
    .option('--run <id>', 'only this run')
    .option('--since <when>', 'from this time: a duration back from now (10m, 24h) or a timestamp')
    .option('--until <when>', 'up to this time (same forms as --since)')
    .option('--pid <pid>', 'only this process (runs streamed with agent -P)', pidNumber)
    .option('--comm <name>', 'only processes with this name (runs streamed with agent -P)', commName)
    .option(
      '--container <id>',
      'only this container: docker:ID, ID, a systemd unit or a cgroup path (runs streamed with agent -C)',
    );
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
export function breakdownOf(by: string, opts: DetailOpts): 'process' | 'container' | undefined {
  const process = by === 'process' || opts.pid !== undefined || opts.comm !== undefined;
  const container = by === 'container' || opts.container !== undefined;
  if (process && container) {
    throw new CliError(
      'per-process and per-container counts are kept apart: --pid/--comm/--by process do not combine with --container/--by container',
      2,
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

export function scopeFrom(opts: ScopeOpts, now = Date.now()): Scope {
  return {
    hostId: opts.host ?? '',
    runId: opts.run ?? '',
    sinceUnixMs: opts.since ? String(parseTimePoint(opts.since, now)) : '0',
    untilUnixMs: opts.until ? String(parseTimePoint(opts.until, now)) : '0',
    ...detailFrom(opts),
  };
}

/** --host, --run, --since, --until: history only a control plane has. */
export function hasScope(opts: ScopeOpts): boolean {
  return Boolean(opts.host || opts.run || opts.since || opts.until);
}
