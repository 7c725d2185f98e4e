import { Command } from 'commander';
import { reportNr, reportOnce } from '../../local/report-once';
import { AgentFilterOpts, withAgentFilters } from '../../options/agent-filters';
import { useColor } from '../../options/color';
import { Format, withFormat } from '../../options/format';
import { renderSummary, SummaryRow } from '../../render/summary-table';
import { agentFilterText, withFilters } from '../../render/titles';

interface SummaryOpts extends AgentFilterOpts {
  format: Format;
}

/** A row of the agent's `--errors --latency -o json` report (failed and latency left out where empty). */
interface ReportRow {
  nr: number | null;
  name: string;
  count: number;
  failed?: number;
  latency?: { timed: number; total_ns: number };
}

const HELP = `
strace -c -f's table from one agent run with --errors and --latency: every call and every failure
counted exactly in the kernel, the time from sys_enter to sys_exit of each call (a thread blocked
in the call counts), without stopping the traced processes at each call as ptrace does.
USECS/CALL is over the calls that returned (exit_group never does).

Examples:
  $ syscall-counter summary -- make -j2          # a build and every process it starts
  $ syscall-counter summary -d 10 --comm nginx   # one program on the whole host, 10 s
  $ syscall-counter summary -p 1234 -d 5 --format csv`;

export function summaryCommand(): Command {
  const cmd = new Command('summary').description(
    "strace -c's table at eBPF cost: time, calls and errors per system call (runs the agent with --errors --latency)",
  );
  withFormat(cmd);
  return withAgentFilters(cmd)
    .addHelpText('after', HELP)
    .action(async (command: string[], opts: SummaryOpts, self: Command) => {
      const { doc, where } = await reportOnce<{ syscalls: ReportRow[] }>(
        ['--errors', '--latency'],
        opts,
        command,
        'Counting syscalls, their errors and time on this host',
      );
      const rows: SummaryRow[] = doc.syscalls.map((r) => ({
        nr: reportNr(r.nr),
        name: r.name,
        calls: r.count,
        errors: r.failed ?? 0,
        totalNs: r.latency?.total_ns ?? 0,
        timed: r.latency?.timed ?? 0,
      }));
      const title = withFilters(`Syscall summary, ${where}`, agentFilterText(opts));
      process.stdout.write(renderSummary(rows, { format: opts.format, title, color: useColor(self) }));
    });
}
