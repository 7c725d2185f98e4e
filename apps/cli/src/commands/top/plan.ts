import { Command } from 'commander';
import { Arch } from '@syscall-counter/syscall-table';
import { usageError } from '../../errors';
import { ConnOpts } from '../../options/connection';
import { displayOf, DisplayOpts, Format } from '../../options/format';
import { Breakdown, breakdownOf, requireServerForWindow, ScopeOpts, scopeFrom } from '../../options/scope';
import { QueryClient } from '../../queries/client';
import { clientFor } from '../../queries/connect';
import { By, TopQuery } from '../../queries/top';
import { TopRendering } from '../../render/top-response';
import { resolveSettings } from '../../settings';
import { resolveSyscall } from '../../syscalls';
import { TopSubject } from '../../render/titles';

export interface TopOpts extends ConnOpts, ScopeOpts, DisplayOpts {
  top: number;
  duration: number;
  arch?: Arch;
  by: By;
  format: Format;
  watch?: boolean;
  refresh: number;
  window?: string;
  frames?: number;
  syscall?: string;
  failed?: boolean;
  local?: boolean;
}

/** What top will do, worked out from the flags before anything starts. */
export interface TopPlan {
  query: TopQuery;
  /** -P or -C for an agent here: the rows or filters need per-process or per-cgroup counts. */
  breakdown?: Breakdown;
  /** A client of the configured control plane; none: collect on this host. */
  remote?: () => QueryClient;
  /** How to render an answer, but for its title. */
  rendering: Omit<TopRendering, 'title'>;
  /** What the rows are, for the title (--syscall as the user named it). */
  subject: TopSubject;
}

/** Checks the flags (usage errors, in the order a user meets them) and resolves names, settings and colour. */
export function planTop(opts: TopOpts, cmd: Command): TopPlan {
  const scope = scopeFrom(opts);
  const syscallNr = opts.syscall === undefined ? undefined : resolveSyscall(opts.syscall, opts.arch);
  const settings = resolveSettings(opts);
  const display = displayOf(opts, cmd);
  const breakdown = breakdownOf(opts.by, opts);
  if (opts.by === 'errno' && !opts.failed) throw usageError('--by errno goes with --failed');
  if (opts.failed && breakdown)
    throw usageError('failed calls are counted per host (agent --errors), not per process or container');
  // --local: collect here even with a control plane configured (config file or environment).
  const server = opts.local ? undefined : settings.server;
  requireServerForWindow(opts, server);
  if (server && !opts.watch && cmd.getOptionValueSource('duration') === 'cli')
    throw usageError(`-d collects on this host, but top reads the history of ${server}: add --local`);
  return {
    query: { scope, by: opts.by, syscallNr, failed: opts.failed },
    breakdown,
    remote: server ? () => clientFor({ ...settings, server }) : undefined,
    rendering: { by: opts.by, format: opts.format, top: opts.top, arch: opts.arch, display },
    subject: { by: opts.by, failed: opts.failed, syscall: opts.syscall },
  };
}
