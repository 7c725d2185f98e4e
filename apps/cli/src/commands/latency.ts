import { Command, Option } from 'commander';
import { CliError } from '../errors';
import { runReport } from '../local-agent';
import { withTimedProgress } from '../progress';
import { histogramSvg } from '../plot/charts';
import { renderCsv, renderGrid } from '../render/grid';
import { AgentFilterOpts, agentFilterArgs, withAgentFilters } from './agent-filters';
import { Format, positiveInt } from './options';
import { outputs, writePlot } from './plot';

interface Bucket {
  from_ns: number;
  to_ns: number;
  count: number;
}

export interface LatencyRow {
  nr: number | null;
  name: string;
  count: number;
  latency: { timed: number; total_ns: number; avg_ns: number; p50_ns: number; p99_ns: number; unreturned: number; hist: Bucket[] };
}

interface LatencyOpts extends AgentFilterOpts {
  top: number;
  format: Format;
  plot?: string;
  plotSyscall?: string;
  sort: 'total' | 'count' | 'avg' | 'p99';
}

const us = (ns: number) => (ns / 1e3).toFixed(2);

/** "512ns", "4.1µs", "2.1ms", "1.07s": a log2 bucket bound. */
export function durationLabel(ns: number): string {
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${+(ns / 1e3).toPrecision(3)}µs`;
  if (ns < 1e9) return `${+(ns / 1e6).toPrecision(3)}ms`;
  return `${+(ns / 1e9).toPrecision(3)}s`;
}

const SORT: Record<LatencyOpts['sort'], (r: LatencyRow) => number> = {
  total: (r) => r.latency.total_ns,
  count: (r) => r.count,
  avg: (r) => r.latency.avg_ns,
  p99: (r) => r.latency.p99_ns,
};

export function renderLatency(rows: LatencyRow[], opts: Pick<LatencyOpts, 'format' | 'top'>, title: string): string {
  if (opts.format === 'json') return JSON.stringify({ syscalls: rows }, null, 2) + '\n';
  const cells = (r: LatencyRow) => [r.nr === null ? '' : String(r.nr), r.name, String(r.count), String(r.latency.timed), us(r.latency.avg_ns), us(r.latency.p50_ns), us(r.latency.p99_ns), (r.latency.total_ns / 1e6).toFixed(3), String(r.latency.unreturned)];
  if (opts.format === 'csv') return renderCsv(['syscall_nr', 'name', 'count', 'timed', 'avg_us', 'p50_us', 'p99_us', 'total_ms', 'unreturned'], rows.map(cells));
  const shown = rows.slice(0, opts.top);
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'TIMED', 'AVG µs', 'P50 µs', 'P99 µs', 'TOTAL ms', 'UNRETURNED'],
    shown.map((r) => cells(r).map((c, i) => (i === 0 && c === '' ? '-' : c))),
    ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    false,
  );
  return [
    title,
    grid,
    'P50/P99 are estimates: the midpoint of the log2 bucket holding them. TIMED counts calls seen to enter and return;',
    'UNRETURNED ones had not returned when counting stopped (exit, exit_group, or still blocked).',
  ].join('\n') + '\n';
}

export function latencyCommand(): Command {
  return withAgentFilters(
    new Command('latency')
      .description('time spent in each system call on this host: AVG, P50, P99 and a log2 histogram (runs the agent with --latency)')
      .option('-n, --top <n>', 'how many rows to show', positiveInt, 15)
      .addOption(new Option('--sort <key>', 'order rows by').choices(['total', 'count', 'avg', 'p99']).default('total'))
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
      .option('--plot <file>', "draw a syscall's latency histogram: FILE.svg, FILE.png, or FILE for both")
      .option('--plot-syscall <name>', 'with --plot: which syscall (default: the first row)'),
  )
    .addHelpText(
      'after',
      `
What is measured: from sys_enter to sys_exit of the same thread, in the kernel, per call; the time
a thread is blocked inside the call counts. Calls that never return (exit, exit_group) and calls
still blocked when counting stops are UNRETURNED, not timed; a successful execve returns in the
new image and is timed.

Examples:
  $ syscall-counter latency -d 10                        # the whole host, 10 s
  $ syscall-counter latency --sort p99 -n 5 -- make -j4  # a build, slowest p99 first
  $ syscall-counter latency --comm nginx --plot nginx-lat --plot-syscall epoll_wait`,
    )
    .action(async (command: string[], opts: LatencyOpts) => {
      if (opts.plot) outputs(opts.plot);
      if (opts.plotSyscall && !opts.plot) throw new CliError('--plot-syscall goes with --plot', 2);
      const run = runReport(['--latency', '-o', 'json', ...agentFilterArgs(opts, command)]);
      const out = command.length ? await run : await withTimedProgress('Timing syscalls on this host', opts.duration, run);
      const rows = (JSON.parse(out).syscalls as LatencyRow[]).filter((r) => r.latency).sort((a, b) => SORT[opts.sort](b) - SORT[opts.sort](a));
      if (!rows.length) throw new CliError('no system calls were counted');
      const where = command.length ? `'${command.join(' ')}'` : `this host, ${opts.duration} s`;
      process.stdout.write(renderLatency(rows, opts, `Syscall latency, ${where}, by ${opts.sort}`));
      if (!opts.plot) return;
      const pick = opts.plotSyscall ? rows.find((r) => r.name === opts.plotSyscall || String(r.nr) === opts.plotSyscall) : rows[0];
      if (!pick) throw new CliError(`'${opts.plotSyscall}' made no calls here: nothing to plot`);
      const l = pick.latency;
      const size = { width: 900, height: 500 };
      const title = `${pick.name}: ${l.timed} calls, avg ${us(l.avg_ns)} µs, p50 ≈ ${us(l.p50_ns)} µs, p99 ≈ ${us(l.p99_ns)} µs`;
      writePlot(opts.plot, histogramSvg(title, l.hist.map((b) => ({ label: `${durationLabel(b.from_ns)}–${durationLabel(b.to_ns)}`, value: b.count })), size), size);
    });
}
