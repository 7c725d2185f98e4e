import { PLAIN_DISPLAY } from '../../options/format';
import { Command } from 'commander';
import { Arch } from '@syscall-counter/syscall-table';
import { DiffOpts, fetchDiff, withDiffDetail } from '../../diff/fetch';
import { withGroupBy } from '../../options/group-by';
import { withTopN } from '../../options/numbers';
import { breakdownOf, ScopeOpts, scopeFrom, withScope } from '../../options/scope';
import { withArch } from '../../options/syscall';
import { connect } from '../../queries/connect';
import { fetchSeries, SeriesOpts } from '../../queries/series';
import { By, queryTop, requireRows } from '../../queries/top';
import { renderDiff } from '../../render/diff-table';
import { seriesCsv, seriesJson } from '../../render/series';
import { renderTopResponse } from '../../render/top-response';
import { resolveSyscall } from '../../syscalls';
import { emit, ExportOpts, withExportOpts } from './emit';

interface ExportTopOpts extends ExportOpts, ScopeOpts {
  by: By;
  arch?: Arch;
  syscall?: string;
  failed?: boolean;
}

// Each builds its options in the order --help lists them.
export function exportTopCommand(): Command {
  const cmd = withScope(new Command('top').description('per-syscall (or per-host/run/process) totals of a scope'));
  withExportOpts(cmd);
  withGroupBy(cmd, 'group rows by')
    .option('--syscall <name|nr>', 'drill down: only this syscall (with --by process|container|host|run|errno)')
    .option('--failed', 'count only the calls that failed (runs streamed with agent --errors)');
  return withArch(cmd).action(async (opts: ExportTopOpts) => {
    await emit(opts, async () => {
      breakdownOf(opts.by, opts);
      const scope = scopeFrom(opts);
      const syscallNr = opts.syscall === undefined ? undefined : resolveSyscall(opts.syscall, opts.arch);
      const resp = await queryTop(connect(opts), { scope, by: opts.by, syscallNr, failed: opts.failed });
      requireRows(scope, resp);
      const rendering = {
        by: opts.by,
        format: opts.format,
        top: Infinity,
        title: '',
        arch: opts.arch,
        display: PLAIN_DISPLAY,
      };
      return renderTopResponse(resp, rendering);
    });
  });
}

export function exportSeriesCommand(): Command {
  const cmd = withScope(new Command('series').description('counts per time bucket of the busiest syscalls'));
  withExportOpts(cmd);
  withTopN(cmd, 5, 'how many syscalls get their own rows').option(
    '--bucket <duration>',
    'bucket width (default: about 60 buckets)',
  );
  return withArch(cmd).action(async (opts: ExportOpts & SeriesOpts) => {
    await emit(opts, async () => {
      const v = await fetchSeries(opts);
      return opts.format === 'json' ? seriesJson(v) : seriesCsv(v);
    });
  });
}

export function exportDiffCommand(): Command {
  const cmd = withExportOpts(new Command('diff').description('two runs or windows side by side (see `diff --help`)'));
  withDiffDetail(cmd).argument('<A>', 'RUN_ID, HOST@SINCE..UNTIL or @SINCE..UNTIL').argument('<B>', 'same forms');
  return withArch(cmd).action(async (a: string, b: string, opts: ExportOpts & DiffOpts) => {
    await emit(opts, async () => {
      const { comparison, labels } = await fetchDiff(a, b, opts);
      return renderDiff(comparison, labels, { format: opts.format, top: Infinity, display: PLAIN_DISPLAY });
    });
  });
}
