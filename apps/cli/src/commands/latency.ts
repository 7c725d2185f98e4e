import { Command, Option } from 'commander';
import { LatencyResponse } from '@syscall-counter/proto';
import { parseArch, syscallName } from '@syscall-counter/syscall-table';
import { CliError } from '../errors';
import { histogramSvg } from '../plot/charts';
import { renderCsv, renderGrid } from '../render/grid';
import { AgentFilterOpts, reportOnce, withAgentFilters } from './agent-filters';
import { ConnOpts, withClient } from './connection';
import { Format, positiveInt } from './options';
import { outputs, writePlot } from './plot';
import { hasScope, ScopeOpts, scopeFrom } from './scope-options';
import { resolveSettings } from '../settings';
import { formatTime, spanSeconds } from '../time-window';
import { resolveSyscall } from './top';
import { rowNr } from '../wire-nr';

interface Bucket {
  from_ns: number;
  to_ns: number;
  count: number;
}

export interface LatencyRow {
  nr: number | null;
  name: string;
  count: number;
  latency: {
    timed: number;
    total_ns: number;
    avg_ns: number;
    p50_ns: number;
    p99_ns: number;
    unreturned: number;
    hist: Bucket[];
  };
}

interface LatencyOpts extends AgentFilterOpts, ConnOpts, Omit<ScopeOpts, 'pid' | 'comm' | 'container'> {
  top: number;
  format: Format;
  plot?: string;
  plotSyscall?: string;
  sort: 'total' | 'count' | 'avg' | 'p99';
}

const us = (ns: number) => (ns / 1e3).toFixed(2);

/** Bucket b holds [2^b, 2^(b+1)) ns: its midpoint estimates a percentile within a factor of 1.5 (as the agent does). */
const bucketMid = (b: number) => (b === 0 ? 1 : 1.5 * 2 ** b);

/** A stored histogram as the agent reports one: calls timed, average, p50/p99 estimates, buckets. */
export function summarise(buckets: number[], totalNs: number, unreturned: number): LatencyRow['latency'] {
  const timed = buckets.reduce((s, c) => s + c, 0);
  let seen = 0;
  let p50 = 0;
  let p99 = 0;
  for (let b = 0; b < buckets.length && timed > 0; b++) {
    seen += buckets[b];
    if (!p50 && seen * 2 >= timed) p50 = bucketMid(b);
    if (seen * 100 >= timed * 99) {
      p99 = bucketMid(b);
      break;
    }
  }
  const hist = buckets.flatMap((count, b) =>
    count ? [{ from_ns: b === 0 ? 0 : 2 ** b, to_ns: 2 ** (b + 1), count }] : [],
  );
  return { timed, total_ns: totalNs, avg_ns: timed ? totalNs / timed : 0, p50_ns: p50, p99_ns: p99, unreturned, hist };
}

function fromHistory(resp: LatencyResponse): LatencyRow[] {
  const arch = resp.arch ? parseArch(resp.arch) : undefined;
  return resp.rows.map((r) => {
    const latency = summarise(r.buckets.map(Number), Number(r.totalNs), Number(r.unreturned));
    return {
      nr: rowNr(r.nr),
      name: rowNr(r.nr) === null ? 'other' : arch ? syscallName(arch, r.nr) : `syscall_${r.nr}`,
      count: latency.timed + latency.unreturned,
      latency,
    };
  });
}

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
  const cells = (r: LatencyRow) => [
    r.nr === null ? '' : String(r.nr),
    r.name,
    String(r.count),
    String(r.latency.timed),
    us(r.latency.avg_ns),
    us(r.latency.p50_ns),
    us(r.latency.p99_ns),
    (r.latency.total_ns / 1e6).toFixed(3),
    String(r.latency.unreturned),
  ];
  if (opts.format === 'csv')
    return renderCsv(
      ['syscall_nr', 'name', 'count', 'timed', 'avg_us', 'p50_us', 'p99_us', 'total_ms', 'unreturned'],
      rows.map(cells),
    );
  const shown = rows.slice(0, opts.top);
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'TIMED', 'AVG µs', 'P50 µs', 'P99 µs', 'TOTAL ms', 'UNRETURNED'],
    shown.map((r) => cells(r).map((c, i) => (i === 0 && c === '' ? '-' : c))),
    ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    false,
  );
  return (
    [
      title,
      grid,
      'P50/P99 are estimates: the midpoint of the log2 bucket holding them. TIMED counts calls seen to enter and return;',
      'UNRETURNED ones had not returned when counting stopped (exit, exit_group, or still blocked).',
    ].join('\n') + '\n'
  );
}

export function latencyCommand(): Command {
  return withAgentFilters(
    new Command('latency')
      .description(
        'time spent in each system call on this host: AVG, P50, P99 and a log2 histogram (runs the agent with --latency)',
      )
      .option('-n, --top <n>', 'how many rows to show', positiveInt, 15)
      .addOption(new Option('--sort <key>', 'order rows by').choices(['total', 'count', 'avg', 'p99']).default('total'))
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
      .option('--plot <file>', "draw a syscall's latency histogram: FILE.svg, FILE.png, or FILE for both")
      .option('--plot-syscall <name>', 'with --plot: which syscall (default: the first row)')
      .option(
        '--server <host:port>',
        'read the history of runs streamed with agent --latency from this control plane (env SYSCALL_COUNTER_SERVER)',
      )
      .option('--token-file <file>', 'file holding the control plane token (env SYSCALL_COUNTER_TOKEN_FILE)')
      .option('--tls-ca <file>', 'use TLS, trusting the CA certificates in this PEM file (env SYSCALL_COUNTER_TLS_CA)')
      .option('--host <id>', 'with a control plane: only this host')
      .option('--run <id>', 'with a control plane: only this run')
      .option('--since <when>', 'with a control plane: from this time (10m, 24h, or a timestamp)')
      .option('--until <when>', 'with a control plane: up to this time'),
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
  $ syscall-counter latency --comm nginx --plot nginx-lat --plot-syscall epoll_wait
  $ syscall-counter latency --server cp:50051 --token-file t --host db-1 --since 24h --sort p99

With a control plane, the histograms come from the history of runs streamed with
'syscall-counter-agent --latency --server ...'; COUNT is then the calls timed or unreturned.`,
    )
    .action(async (command: string[], opts: LatencyOpts) => {
      if (opts.plot) outputs(opts.plot);
      if (opts.plotSyscall && !opts.plot) throw new CliError('--plot-syscall goes with --plot', 2);
      const { rows: all, where } = await collect(command, opts);
      const rows = all.filter((r) => r.latency).sort((a, b) => SORT[opts.sort](b) - SORT[opts.sort](a));
      if (!rows.length) throw new CliError('no system calls were counted');
      process.stdout.write(renderLatency(rows, opts, `Syscall latency, ${where}, by ${opts.sort}`));
      if (!opts.plot) return;
      const pick = opts.plotSyscall
        ? rows.find((r) => r.name === opts.plotSyscall || String(r.nr) === opts.plotSyscall)
        : rows[0];
      if (!pick) throw new CliError(`'${opts.plotSyscall}' made no calls here: nothing to plot`);
      const l = pick.latency;
      const size = { width: 900, height: 500 };
      const title = `${pick.name}: ${l.timed} calls, avg ${us(l.avg_ns)} µs, p50 ≈ ${us(l.p50_ns)} µs, p99 ≈ ${us(l.p99_ns)} µs`;
      writePlot(
        opts.plot,
        histogramSvg(
          title,
          l.hist.map((b) => ({ label: `${durationLabel(b.from_ns)}–${durationLabel(b.to_ns)}`, value: b.count })),
          size,
        ),
        size,
      );
    });
}

/** The agent once on this host, or the stored history when a control plane is configured. */
async function collect(command: string[], opts: LatencyOpts): Promise<{ rows: LatencyRow[]; where: string }> {
  const settings = resolveSettings(opts);
  if (!settings.server) {
    if (hasScope(opts))
      throw new CliError(
        '--host, --run, --since and --until query a control plane: add --server (or set SYSCALL_COUNTER_SERVER)',
        2,
      );
    const { doc, where } = await reportOnce<{ syscalls: LatencyRow[] }>(
      '--latency',
      opts,
      command,
      'Timing syscalls on this host',
    );
    return { rows: doc.syscalls, where };
  }
  if (command.length || opts.pid || opts.comm)
    throw new CliError(
      'a command, -p and --comm apply on this host: against a control plane, use --host, --run, --since, --until',
      2,
    );
  if (opts.syscall?.includes(',')) throw new CliError('against a control plane, --syscall takes one syscall', 2);
  const scope = scopeFrom(opts);
  const syscallNr = opts.syscall ? resolveSyscall(opts.syscall, undefined) : undefined;
  const resp = await withClient(opts, (c) => c.latency({ scope, syscallNr }));
  const what = opts.run ? `run ${opts.run}` : opts.host ? `host ${opts.host}` : 'fleet-wide';
  return {
    rows: fromHistory(resp),
    where: `${what}, ${formatTime(resp.firstUnixMs)} – ${formatTime(resp.lastUnixMs)} (${spanSeconds(resp.firstUnixMs, resp.lastUnixMs).toFixed(1)} s)`,
  };
}
