import { reportNr, reportOnce } from '../../local/report-once';
import { AgentFilterOpts } from '../../options/agent-filters';
import { ConnOpts } from '../../options/connection';
import { requireServerForWindow, scopeFrom, whereText, WindowOpts } from '../../options/scope';
import { usageError } from '../../errors';
import { withClient } from '../../queries/connect';
import { errorsHistory } from '../../queries/errors';
import { ErrorRow } from '../../render/errors-table';
import { resolveSettings } from '../../settings';
import { resolveSyscall } from '../../syscalls';
import { displaySpan } from '../../render/clock';

export interface CollectOpts extends AgentFilterOpts, ConnOpts, WindowOpts {
  /** Collect on this host even when a control plane is configured. */
  local?: boolean;
}

/** Calls and failures per syscall, the calls of every syscall counted, and what they cover. */
export interface Collected {
  rows: ErrorRow[];
  calls: number;
  where: string;
}

/** A row of the agent's --errors JSON report: failed and errnos are left out of rows without failures. */
type ReportRow = Omit<ErrorRow, 'nr' | 'failed' | 'errnos'> & Partial<ErrorRow> & { nr: number | null };

/** The agent once on this host, or the stored failures when a control plane is configured (and not --local). */
export async function collectErrors(command: string[], opts: CollectOpts, utc = false): Promise<Collected> {
  const server = opts.local ? undefined : resolveSettings(opts).server;
  if (!server) {
    if (opts.local && (opts.host?.length || opts.run || opts.since || opts.until))
      throw usageError('--local collects on this host: --host, --run, --since and --until read a control plane');
    requireServerForWindow(opts, server);
    return collectHere(command, opts);
  }
  if (command.length || opts.pid || opts.comm) {
    throw usageError(
      'a command, -p and --comm apply on this host: against a control plane, use --host, --run, --since, --until ' +
        '(or --local)',
    );
  }
  if (opts.syscall?.includes(',')) throw usageError('against a control plane, --syscall takes one syscall');
  const scope = scopeFrom(opts);
  const syscallNr = opts.syscall ? resolveSyscall(opts.syscall, undefined) : undefined;
  const h = await withClient(opts, (c) => errorsHistory(c, scope, syscallNr));
  return {
    rows: h.rows,
    calls: h.calls,
    where: `${whereText(opts)}, ${displaySpan(h.firstUnixMs, h.lastUnixMs, utc)}`,
  };
}

async function collectHere(command: string[], opts: AgentFilterOpts): Promise<Collected> {
  const { doc, where } = await reportOnce<{ total: number; syscalls: ReportRow[] }>(
    '--errors',
    opts,
    command,
    'Counting failed syscalls on this host',
  );
  const rows = doc.syscalls.map((r) => ({ ...r, nr: reportNr(r.nr), failed: r.failed ?? 0, errnos: r.errnos ?? [] }));
  return { rows, calls: doc.total, where };
}
