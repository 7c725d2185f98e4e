import { Command } from 'commander';
import { Scope } from '@syscall-counter/proto';
import { parseTimePoint } from '../time-window';

export interface ScopeOpts {
  host?: string;
  run?: string;
  since?: string;
  until?: string;
}

/** --host, --run, --since, --until: which history a query covers. */
export function withScope(cmd: Command): Command {
  return cmd
    .option('--host <id>', 'only this host')
    .option('--run <id>', 'only this run')
    .option('--since <when>', 'from this time: a duration back from now (10m, 24h) or a timestamp')
    .option('--until <when>', 'up to this time (same forms as --since)');
}

export function scopeFrom(opts: ScopeOpts, now = Date.now()): Scope {
  return {
    hostId: opts.host ?? '',
    runId: opts.run ?? '',
    sinceUnixMs: opts.since ? String(parseTimePoint(opts.since, now)) : '0',
    untilUnixMs: opts.until ? String(parseTimePoint(opts.until, now)) : '0',
  };
}

export function hasScope(opts: ScopeOpts): boolean {
  return Boolean(opts.host || opts.run || opts.since || opts.until);
}
