import { Command, Option } from 'commander';
import { renderCsv, renderGrid } from '../render/grid';
import { AgentFilterOpts, reportOnce, withAgentFilters } from './agent-filters';
import { Format, positiveInt } from './options';

export interface ErrorRow {
  nr: number | null;
  name: string;
  count: number;
  failed: number;
  errnos: Array<{ errno: number; name: string; count: number }>;
}

interface ErrorsOpts extends AgentFilterOpts {
  top: number;
  format: Format;
  all?: boolean;
}

const share = (part: number, whole: number) => (whole ? ((part * 100) / whole).toFixed(1) : '0.0');

/** @calls: every call counted, failed or not (also of syscalls not in @rows). */
export function renderErrors(
  rows: ErrorRow[],
  calls: number,
  opts: Pick<ErrorsOpts, 'format' | 'top'>,
  title: string,
): string {
  const failed = rows.reduce((s, r) => s + r.failed, 0);
  if (opts.format === 'json') return JSON.stringify({ total: calls, failed, syscalls: rows }, null, 2) + '\n';
  const errnos = (r: ErrorRow, sep: string) => r.errnos.map((e) => `${e.name}:${e.count}`).join(sep);
  if (opts.format === 'csv') {
    return renderCsv(
      ['syscall_nr', 'name', 'count', 'failed', 'failed_pct', 'errnos'],
      rows.map((r) => [
        r.nr === null ? '' : String(r.nr),
        r.name,
        String(r.count),
        String(r.failed),
        share(r.failed, r.count),
        errnos(r, ' '),
      ]),
    );
  }
  const shown = rows.slice(0, opts.top);
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'FAILED', 'FAILED %', 'TOP ERRNOS'],
    shown.map((r) => [
      r.nr === null ? '-' : String(r.nr),
      r.name,
      String(r.count),
      String(r.failed),
      share(r.failed, r.count),
      errnos(r, ', ').split(', ').slice(0, 3).join(', '),
    ]),
    ['right', 'left', 'right', 'right', 'right', 'left'],
    false,
  );
  return [title, grid, `Failed calls: ${failed} of ${calls} (${share(failed, calls)}%)`].join('\n') + '\n';
}

export function errorsCommand(): Command {
  return withAgentFilters(
    new Command('errors')
      .description(
        'failed system calls on this host: per syscall, how many failed and with which errno (runs the agent with --errors)',
      )
      .option('-n, --top <n>', 'how many rows to show', positiveInt, 15)
      .option('-a, --all', 'also list syscalls that never failed')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table')),
  )
    .addHelpText(
      'after',
      `
A call fails when it returns -1..-4095 (the kernel's -errno), counted at sys_exit. Rows are
ordered by failed calls.

Examples:
  $ syscall-counter errors -d 10                 # the whole host, 10 s
  $ syscall-counter errors -- ls /nonexistent    # one command: ENOENT from openat/statx...
  $ syscall-counter errors --comm nginx --format csv`,
    )
    .action(async (command: string[], opts: ErrorsOpts) => {
      const { doc, where } = await reportOnce<{ total: number; syscalls: ErrorRow[] }>(
        '--errors',
        opts,
        command,
        'Counting failed syscalls on this host',
      );
      const rows = doc.syscalls
        .map((r) => ({ ...r, failed: r.failed ?? 0, errnos: r.errnos ?? [] }))
        .filter((r) => opts.all || r.failed > 0)
        .sort((a, b) => b.failed - a.failed || b.count - a.count);
      process.stdout.write(renderErrors(rows, doc.total, opts, `Failed syscalls, ${where}`));
    });
}
