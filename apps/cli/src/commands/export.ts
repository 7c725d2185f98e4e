import { Command, Option } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import { parseArch } from '@syscall-counter/syscall-table';
import { CliError } from '../errors';
import { progressBar } from '../progress';
import { connect, ConnOpts, withClient } from './connection';
import { DiffOpts, fetchDiff, renderDiff, withDiffDetail } from './diff';
import { hostsListing, renderListing, runsListing } from './hosts';
import { positiveInt } from './options';
import { breakdownOf, ScopeOpts, scopeFrom, withScope } from './scope-options';
import { fetchSeries, seriesCsv, seriesJson, SeriesOpts } from './series';
import { By, describeScope, queryTop, renderTopResponse, resolveSyscall } from './top';

type ExportFormat = 'csv' | 'json';

interface ExportOpts extends ConnOpts {
  format: ExportFormat;
  out?: string;
}

function withExportOpts(cmd: Command): Command {
  return cmd
    .option(
      '--server <host:port>',
      'control plane to query (env SYSCALL_COUNTER_SERVER, or "server" in the config file)',
    )
    .option('--token-file <file>', 'file holding the control plane token (env SYSCALL_COUNTER_TOKEN_FILE)')
    .option('--tls-ca <file>', 'use TLS, trusting the CA certificates in this PEM file (env SYSCALL_COUNTER_TLS_CA)')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'))
    .option('-o, --out <file>', 'write to this file instead of stdout');
}

/** Fetches, renders, writes: to stdout, or atomically to --out with progress on a TTY. */
async function emit(opts: ExportOpts, produce: () => Promise<string>): Promise<void> {
  const bar = opts.out ? progressBar('Exporting', 2) : undefined;
  const text = await produce();
  bar?.update(1);
  if (!opts.out) {
    process.stdout.write(text);
    return;
  }
  const tmp = `${opts.out}.part`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, opts.out);
  } catch (e) {
    throw new CliError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    bar?.update(2);
    bar?.stop();
  }
  process.stderr.write(`wrote ${opts.out} (${text.length} bytes)\n`);
}

export function exportCommand(): Command {
  const exp = new Command('export').description('history as CSV or JSON, to stdout or --out FILE').addHelpText(
    'after',
    `
CSV columns (counts are exact decimal integers; JSON carries them as strings):
  top          syscall_nr,name,count          (--by host|run: host,count / run,count;
                                               --by process: pid,comm,count, pid 0 = other;
                                               --by container: container,cgroup,count;
                                               --failed --by errno: errno,name,count)
  series       bucket_end,bucket_seconds,syscall_nr,name,count,rate_per_s
               (one row per bucket and syscall, plus name "all" for the bucket's total;
               a bucket holds the calls counted by the snapshots taken in it)
  diff         syscall_nr,name,count_a,count_b,delta_count,rate_a,rate_b,delta_rate,relative_change,status
               (--by process: comm,count_a,...; --by container: container,count_a,...)
  hosts        host,hostname,kernel,arch,runs,first_seen,last_seen,total
  runs         run,host,scope,map,interval,started,last_seen,snapshots,total,done
syscall_nr is empty for "other" (ids the agent cannot index); times are UTC ISO 8601.

Examples:
  $ syscall-counter export top --host web-1 --since 24h --out web-1.csv
  $ syscall-counter export series --since 1h --bucket 1m --format json
  $ syscall-counter export diff web-1@48h..24h web-1@24h --out change.csv
  $ syscall-counter export hosts --format json`,
  );

  exp.addCommand(
    withExportOpts(withScope(new Command('top').description('per-syscall (or per-host/run/process) totals of a scope')))
      .addOption(
        new Option('--by <what>', 'group rows by')
          .choices(['syscall', 'host', 'run', 'process', 'container', 'errno'])
          .default('syscall'),
      )
      .option('--syscall <name|nr>', 'drill down: only this syscall (with --by process|container|host|run|errno)')
      .option('--failed', 'count only the calls that failed (runs streamed with agent --errors)')
      .option('--arch <arch>', 'name syscalls with this table (x86_64, arm64)')
      .action(async (opts: ExportOpts & ScopeOpts & { by: By; arch?: string; syscall?: string; failed?: boolean }) => {
        await emit(opts, async () => {
          breakdownOf(opts.by, opts);
          const scope = scopeFrom(opts);
          const arch = opts.arch ? parseArch(opts.arch) : undefined;
          const resp = await queryTop(
            connect(opts),
            scope,
            opts.by,
            opts.syscall === undefined ? undefined : resolveSyscall(opts.syscall, arch),
            opts.failed,
          );
          describeScope(scope, resp); // throws "no data ..." for an empty scope
          return renderTopResponse(resp, { by: opts.by, format: opts.format, top: Infinity }, '', arch, false);
        });
      }),
  );
  exp.addCommand(
    withExportOpts(withScope(new Command('series').description('counts per time bucket of the busiest syscalls')))
      .option('-n, --top <n>', 'how many syscalls get their own rows', positiveInt, 5)
      .option('--bucket <duration>', 'bucket width (default: about 60 buckets)')
      .option('--arch <arch>', 'name syscalls with this table (x86_64, arm64)')
      .action(async (opts: ExportOpts & SeriesOpts) => {
        await emit(opts, async () => {
          const v = await fetchSeries(opts);
          return opts.format === 'json' ? seriesJson(v) : seriesCsv(v);
        });
      }),
  );
  exp.addCommand(
    withDiffDetail(
      withExportOpts(new Command('diff').description('two runs or windows side by side (see `diff --help`)')),
    )
      .argument('<A>', 'RUN_ID, HOST@SINCE..UNTIL or @SINCE..UNTIL')
      .argument('<B>', 'same forms')
      .option('--arch <arch>', 'name syscalls with this table (x86_64, arm64)')
      .action(async (a: string, b: string, opts: ExportOpts & Omit<DiffOpts, 'top' | 'format'>) => {
        await emit(opts, async () =>
          renderDiff(await fetchDiff(a, b, { ...opts, top: Infinity }), opts.format, Infinity, false),
        );
      }),
  );
  exp.addCommand(
    withExportOpts(new Command('hosts').description('every host')).action(async (opts: ExportOpts) => {
      await emit(opts, async () =>
        renderListing(hostsListing(await withClient(opts, (c) => c.hosts())), opts.format, false),
      );
    }),
  );
  exp.addCommand(
    withExportOpts(new Command('runs').description('every run'))
      .option('--host <id>', 'only the runs of this host')
      .action(async (opts: ExportOpts & { host?: string }) => {
        await emit(opts, async () =>
          renderListing(runsListing(await withClient(opts, (c) => c.runs(opts.host ?? ''))), opts.format, false),
        );
      }),
  );
  return exp;
}
