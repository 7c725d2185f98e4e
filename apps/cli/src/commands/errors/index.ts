import { Command } from 'commander';
import { reportNr, reportOnce } from '../../local/report-once';
import { AgentFilterOpts, withAgentFilters } from '../../options/agent-filters';
import { displayOf, DisplayOpts, Format, withFormat } from '../../options/format';
import { withTopN } from '../../options/numbers';
import { ErrorRow, renderErrors } from '../../render/errors-table';
import { agentFilterText, withFilters } from '../../render/titles';

interface ErrorsOpts extends AgentFilterOpts, DisplayOpts {
  top: number;
  format: Format;
  all?: boolean;
}

/** A row of the agent's --errors JSON report: failed and errnos are left out of rows without failures. */
type ReportRow = Omit<ErrorRow, 'nr' | 'failed' | 'errnos'> & Partial<ErrorRow> & { nr: number | null };

const HELP = `
A call fails when it returns -1..-4095 (the kernel's -errno), counted at sys_exit. Rows are
ordered by failed calls.

Examples:
  $ syscall-counter errors -d 10                 # the whole host, 10 s
  $ syscall-counter errors -- ls /nonexistent    # one command: ENOENT from openat/statx...
  $ syscall-counter errors --comm nginx --format csv`;

export function errorsCommand(): Command {
  const cmd = new Command('errors').description(
    'failed system calls on this host: per syscall, how many failed and with which errno ' +
      '(runs the agent with --errors)',
  );
  withTopN(cmd).option('-a, --all', 'also list syscalls that never failed');
  withFormat(cmd);
  return withAgentFilters(cmd)
    .addHelpText('after', HELP)
    .action(async (command: string[], opts: ErrorsOpts, self: Command) => {
      const { doc, where } = await reportOnce<{ total: number; syscalls: ReportRow[] }>(
        '--errors',
        opts,
        command,
        'Counting failed syscalls on this host',
      );
      const rows = doc.syscalls
        .map((r) => ({ ...r, nr: reportNr(r.nr), failed: r.failed ?? 0, errnos: r.errnos ?? [] }))
        .filter((r) => opts.all || r.failed > 0)
        .sort((a, b) => b.failed - a.failed || b.count - a.count);
      const view = {
        format: opts.format,
        top: opts.top,
        title: withFilters(`Failed syscalls, ${where}`, agentFilterText(opts)),
        display: displayOf(opts, self),
      };
      process.stdout.write(renderErrors(rows, doc.total, view));
    });
}
