import { Command, Option } from 'commander';
import { CliError, usageError } from '../../errors';
import { withAgentFilters } from '../../options/agent-filters';
import { withConnection } from '../../options/connection';
import { displayOf, DisplayOpts, Format, withFormat } from '../../options/format';
import { withTopN } from '../../options/numbers';
import { LOCAL_FIRST_WINDOW_HELP, withWindow } from '../../options/scope';
import { histogramSvg } from '../../plot/charts';
import { plotFiles, writePlot } from '../../plot/files';
import { LatencyRow } from '../../queries/latency';
import { humanDuration } from '../../render/human';
import { durationLabel, renderLatency } from '../../render/latency-table';
import { agentFilterText, withFilters } from '../../render/titles';
import { collectLatency, CollectOpts } from './collect';

type SortKey = 'total' | 'count' | 'avg' | 'p99';

interface LatencyOpts extends CollectOpts, DisplayOpts {
  top: number;
  format: Format;
  plot?: string;
  plotSyscall?: string;
  sort: SortKey;
}

const SORT: Record<SortKey, (r: LatencyRow) => number> = {
  total: (r) => r.latency.total_ns,
  count: (r) => r.count,
  avg: (r) => r.latency.avg_ns,
  p99: (r) => r.latency.p99_ns,
};

const HELP = `
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
'syscall-counter-agent --latency --server ...'; COUNT is then the calls timed or unreturned.`;

const SERVER_HELP =
  'read the history of runs streamed with agent --latency from this control plane (env SYSCALL_COUNTER_SERVER)';

export function latencyCommand(): Command {
  const cmd = new Command('latency').description(
    'time spent in each system call on this host: AVG, P50, P99 and a log2 histogram ' +
      '(runs the agent with --latency)',
  );
  // Options in the order --help lists them; the agent's filters (and [command...]) come last.
  withTopN(cmd).addOption(
    new Option('--sort <key>', 'order rows by').choices(['total', 'count', 'avg', 'p99']).default('total'),
  );
  withFormat(cmd)
    .option('--plot <file>', "draw a syscall's latency histogram: FILE.svg, FILE.png, or FILE for both")
    .option('--plot-syscall <name>', 'with --plot: which syscall (default: the first row)');
  withConnection(cmd, SERVER_HELP);
  withWindow(cmd, LOCAL_FIRST_WINDOW_HELP);
  return withAgentFilters(cmd)
    .addHelpText('after', HELP)
    .action(async (command: string[], opts: LatencyOpts, self: Command) => {
      if (opts.plot) plotFiles(opts.plot);
      if (opts.plotSyscall && !opts.plot) throw usageError('--plot-syscall goes with --plot');
      const display = displayOf(opts, self);
      const { rows: all, where } = await collectLatency(command, opts, display.utc);
      const rows = all.filter((r) => r.latency).sort((a, b) => SORT[opts.sort](b) - SORT[opts.sort](a));
      if (!rows.length) throw new CliError('no system calls were counted');
      const title = `${withFilters(`Syscall latency, ${where}`, agentFilterText(opts))}, by ${opts.sort}`;
      process.stdout.write(renderLatency(rows, { format: opts.format, top: opts.top, title, display }));
      if (opts.plot) plotHistogram(rows, opts.plot, opts.plotSyscall);
    });
}

/** --plot: the histogram of --plot-syscall, else of the first row. */
function plotHistogram(rows: LatencyRow[], out: string, which: string | undefined): void {
  const pick = which ? rows.find((r) => r.name === which || String(r.nr) === which) : rows[0];
  if (!pick) throw new CliError(`'${which}' made no calls here: nothing to plot`);
  const l = pick.latency;
  const size = { width: 900, height: 500 };
  const [avg, p50, p99] = [l.avg_ns, l.p50_ns, l.p99_ns].map(humanDuration);
  const timing = `avg ${avg}, p50 ≈ ${p50}, p99 ≈ ${p99}`;
  const title = `${pick.name}: ${l.timed} calls, ${timing}`;
  const buckets = l.hist.map((b) => ({
    label: `${durationLabel(b.from_ns)}–${durationLabel(b.to_ns)}`,
    value: b.count,
  }));
  writePlot(out, histogramSvg(title, buckets, size), size);
}
