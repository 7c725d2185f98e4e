import { Command, InvalidArgumentError } from 'commander';
import { Arch } from '@syscall-counter/syscall-table';
import { ConnOpts, withConnection } from '../../options/connection';
import { positiveInt, withTopN } from '../../options/numbers';
import { withUtc } from '../../options/format';
import { ScopeOpts, scopeFrom, withScope } from '../../options/scope';
import { withArch } from '../../options/syscall';
import { barChartSvg, seriesChartSvg } from '../../plot/charts';
import { plotFiles, writePlot } from '../../plot/files';
import { connect } from '../../queries/connect';
import { fetchSeries, SeriesOpts } from '../../queries/series';
import { queryTop, requireRows } from '../../queries/top';
import { zoneName } from '../../render/clock';
import { filterTexts, historyHeadline } from '../../render/titles';
import { lastBucketPartial, ratePoints } from '../../plot/series-points';
import { namedRows } from '../../render/top-response';

interface PlotOpts extends ConnOpts, ScopeOpts {
  out: string;
  width: number;
  height: number;
  top: number;
  arch?: Arch;
  utc?: boolean;
}

/** Past this a PNG takes minutes and gigabytes to draw: a mistake, not a chart. */
const MAX_PIXELS = 10_000;

function pixels(value: string): number {
  const n = positiveInt(value);
  if (n > MAX_PIXELS) throw new InvalidArgumentError(`at most ${MAX_PIXELS} pixels`);
  return n;
}

const HELP = `
Examples:
  $ syscall-counter plot bar --host web-1 --since 1h --out web-1-top     # web-1-top.svg and .png
  $ syscall-counter plot series --since 24h --bucket 10m -n 8 --out day.svg`;

/** The options of every chart, in the order --help lists them. */
function withPlotOpts(cmd: Command, defaultTop: number): Command {
  withScope(cmd).requiredOption('--out <file>', 'FILE.svg, FILE.png, or FILE (writes both)');
  withTopN(cmd, defaultTop, 'how many syscalls to draw')
    .option('--width <px>', `image width (at most ${MAX_PIXELS})`, pixels, 900)
    .option('--height <px>', `image height (at most ${MAX_PIXELS})`, pixels, 500);
  withArch(cmd);
  withUtc(cmd);
  return withConnection(cmd);
}

function barCommand(): Command {
  return withPlotOpts(new Command('bar').description('bar chart of the syscall distribution (busiest first)'), 15)
    .option('--log', 'logarithmic count axis (when one syscall dwarfs the rest)')
    .action(async (opts: PlotOpts & { log?: boolean }) => {
      plotFiles(opts.out);
      const scope = scopeFrom(opts);
      const resp = await queryTop(connect(opts), { scope, by: 'syscall' });
      requireRows(scope, resp);
      const bars = namedRows(resp, opts.arch)
        .rows.slice(0, opts.top)
        .map((r) => ({ label: r.name, value: Number(r.count) }));
      const size = { width: opts.width, height: opts.height };
      const title = historyHeadline({ by: 'syscall' }, scope, resp, !!opts.utc);
      writePlot(opts.out, barChartSvg(title, bars, size, opts.log), size);
    });
}

function seriesCommand(): Command {
  return withPlotOpts(new Command('series').description('calls per second over time of the busiest syscalls'), 5)
    .option('--bucket <duration>', 'time resolution (default: about 60 points)')
    .action(async (opts: PlotOpts & SeriesOpts) => {
      plotFiles(opts.out);
      const v = await fetchSeries(opts);
      const scope = scopeFrom(opts);
      // Where the data ends: the last bucket is drawn over the time it covers, not as a cliff.
      const span = await queryTop(connect(opts), { scope, by: 'syscall' });
      const times = { start: v.start, bucketMs: v.bucketMs, lastUnixMs: Number(span.lastUnixMs) };
      // A point at the end of each bucket: the rate over the bucket just finished.
      const lines = v.lines.map((l) => ({ label: l.name, points: ratePoints(times, l.counts) }));
      const partial = lastBucketPartial(times, v.totals.length) ? ', the last one partial' : '';
      const where = filterTexts(scope, !!opts.utc);
      const title =
        `Syscalls per second, ${where.length ? where.join(', ') : 'fleet-wide'} ` +
        `(${v.bucketMs / 1000} s buckets${partial})`;
      const size = { width: opts.width, height: opts.height };
      const time = { zone: zoneName(!!opts.utc), utc: !!opts.utc };
      writePlot(opts.out, seriesChartSvg(title, lines, size, time), size);
    });
}

export function plotCommand(): Command {
  return new Command('plot')
    .description('charts of the history as SVG and PNG')
    .addHelpText('after', HELP)
    .addCommand(barCommand())
    .addCommand(seriesCommand());
}
