import { reportNr, reportOnce } from '../../local/report-once';
import { AgentFilterOpts } from '../../options/agent-filters';
import { ConnOpts } from '../../options/connection';
import { requireServerForWindow, scopeFrom, whereText, WindowOpts } from '../../options/scope';
import { withClient } from '../../queries/connect';
import { LatencyRow, latencyRows } from '../../queries/latency';
import { usageError } from '../../errors';
import { resolveSettings } from '../../settings';
import { resolveSyscall } from '../../syscalls';
import { displaySpan } from '../../render/clock';

export interface CollectOpts extends AgentFilterOpts, ConnOpts, WindowOpts {}

/** A row of the agent's --latency JSON report: the other bucket's nr is null there. */
type ReportRow = Omit<LatencyRow, 'nr'> & { nr: number | null };

/** The agent once on this host, or the stored history when a control plane is configured. */
export async function collectLatency(
  command: string[],
  opts: CollectOpts,
  utc = false,
): Promise<{ rows: LatencyRow[]; where: string }> {
  const { server } = resolveSettings(opts);
  if (!server) {
    requireServerForWindow(opts, server);
    return collectHere(command, opts);
  }
  if (command.length || opts.pid || opts.comm) {
    throw usageError(
      'a command, -p and --comm apply on this host: against a control plane, use --host, --run, --since, --until',
    );
  }
  if (opts.syscall?.includes(',')) throw usageError('against a control plane, --syscall takes one syscall');
  const scope = scopeFrom(opts);
  const syscallNr = opts.syscall ? resolveSyscall(opts.syscall, undefined) : undefined;
  const resp = await withClient(opts, (c) => c.latency({ scope, syscallNr }));
  return {
    rows: latencyRows(resp),
    where: `${whereText(opts)}, ${displaySpan(resp.firstUnixMs, resp.lastUnixMs, utc)}`,
  };
}

async function collectHere(command: string[], opts: AgentFilterOpts): Promise<{ rows: LatencyRow[]; where: string }> {
  const { doc, where } = await reportOnce<{ syscalls: ReportRow[] }>(
    '--latency',
    opts,
    command,
    'Timing syscalls on this host',
  );
  return { rows: doc.syscalls.map((r) => ({ ...r, nr: reportNr(r.nr) })), where };
}
