import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArch } from '@syscall-counter/syscall-table';
import { CliError } from '../errors';
import { barChartSvg, seriesChartSvg, Size, svgToPng } from '../plot/charts';
import { connect, ConnOpts } from './connection';
import { positiveInt } from './options';
import { ScopeOpts, scopeFrom, withScope } from './scope-options';
import { fetchSeries, SeriesOpts } from './series';
import { describeScope, namedRows, queryTop } from './top';

interface PlotOpts extends ConnOpts, ScopeOpts {
  out: string;
  width: number;
  height: number;
  top: number;
  arch?: string;
}

/** FILE.svg, FILE.png, or FILE without an extension for both. */
export function outputs(out: string): { svg?: string; png?: string } {
  const ext = extname(out).toLowerCase();
  if (ext === '.svg') return { svg: out };
  if (ext === '.png') return { png: out };
  if (ext === '') return { svg: `${out}.svg`, png: `${out}.png` };
  throw new CliError(`cannot write a plot as '${ext}': name the file .svg or .png, or give no extension for both`, 2);
}

export function writePlot(out: string, svg: string, size: Size): void {
  const files = outputs(out);
  try {
    if (files.svg) writeFileSync(files.svg, svg);
    if (files.png) writeFileSync(files.png, svgToPng(svg));
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  for (const f of [files.svg, files.png]) if (f) process.stdout.write(`wrote ${f} (${size.width}x${size.height})\n`);
}

function withPlotOpts(cmd: Command, defaultTop: number): Command {
  return withScope(cmd)
    .requiredOption('-o, --out <file>', 'FILE.svg, FILE.png, or FILE (writes both)')
    .option('-n, --top <n>', 'how many syscalls to draw', positiveInt, defaultTop)
    .option('--width <px>', 'image width', positiveInt, 900)
    .option('--height <px>', 'image height', positiveInt, 500)
    .option('--arch <arch>', 'name syscalls with this table (x86_64, arm64)')
    .option(
      '--server <host:port>',
      'control plane to query (env SYSCALL_COUNTER_SERVER, or "server" in the config file)',
    )
    .option('--token-file <file>', 'file holding the control plane token (env SYSCALL_COUNTER_TOKEN_FILE)')
    .option('--tls-ca <file>', 'use TLS, trusting the CA certificates in this PEM file (env SYSCALL_COUNTER_TLS_CA)');
}

export function plotCommand(): Command {
  const plot = new Command('plot').description('charts of the history as SVG and PNG').addHelpText(
    'after',
    `
Examples:
  $ syscall-counter plot bar --host web-1 --since 1h --out web-1-top     # web-1-top.svg and .png
  $ syscall-counter plot series --since 24h --bucket 10m -n 8 --out day.svg`,
  );
  plot.addCommand(
    withPlotOpts(new Command('bar').description('bar chart of the syscall distribution (busiest first)'), 15)
      .option('--log', 'logarithmic count axis (when one syscall dwarfs the rest)')
      .action(async (opts: PlotOpts & { log?: boolean }) => {
        outputs(opts.out);
        const scope = scopeFrom(opts);
        const resp = await queryTop(connect(opts), scope, 'syscall');
        const title = describeScope(scope, resp);
        const { rows } = namedRows(resp, opts.arch ? parseArch(opts.arch) : undefined);
        const size = { width: opts.width, height: opts.height };
        writePlot(
          opts.out,
          barChartSvg(
            title,
            rows.slice(0, opts.top).map((r) => ({ label: r.name, value: Number(r.count) })),
            size,
            opts.log,
          ),
          size,
        );
      }),
  );
  plot.addCommand(
    withPlotOpts(new Command('series').description('calls per second over time of the busiest syscalls'), 5)
      .option('--bucket <duration>', 'time resolution (default: about 60 points)')
      .action(async (opts: PlotOpts & SeriesOpts) => {
        outputs(opts.out);
        const v = await fetchSeries(opts);
        const secs = v.bucketMs / 1000;
        // A point at the end of each bucket: the rate over the bucket just finished.
        const lines = v.lines.map((l) => ({
          label: l.name,
          points: l.counts.map((c, i): [number, number] => [v.start + (i + 1) * v.bucketMs, Number(c) / secs]),
        }));
        const where = opts.run ? `run ${opts.run}` : opts.host ? `host ${opts.host}` : 'fleet-wide';
        const size = { width: opts.width, height: opts.height };
        writePlot(opts.out, seriesChartSvg(`Syscalls per second, ${where} (${secs} s buckets)`, lines, size), size);
      }),
  );
  return plot;
}
