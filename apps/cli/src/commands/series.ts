import { SeriesResponse } from '@syscall-counter/proto';
import { parseArch, syscallName } from '@syscall-counter/syscall-table';
import { CliError } from '../errors';
import { renderCsv } from '../render/grid';
import { formatTime, parseDuration, windowText } from '../time-window';
import { ConnOpts, withClient } from './connection';
import { ScopeOpts, scopeFrom } from './scope-options';
import { rowNr } from '../wire-nr';

export interface SeriesOpts extends ConnOpts, ScopeOpts {
  top: number;
  bucket?: string;
  arch?: string;
}

export interface SeriesLineView {
  nr: number | null;
  name: string;
  counts: bigint[];
}

export interface SeriesView {
  start: number;
  bucketMs: number;
  lines: SeriesLineView[];
  totals: bigint[];
}

/** Counts per time bucket of the busiest syscalls of a scope. */
export async function fetchSeries(opts: SeriesOpts): Promise<SeriesView> {
  const scope = scopeFrom(opts);
  const bucketMs = opts.bucket ? parseDuration(opts.bucket, '--bucket') : 0;
  const resp: SeriesResponse = await withClient(opts, (c) =>
    c.series({ scope, bucketMs: String(bucketMs), top: opts.top }),
  );
  if (resp.buckets === 0) throw new CliError(`no data ${windowText(scope.sinceUnixMs, scope.untilUnixMs)}`);
  const arch = opts.arch ? parseArch(opts.arch) : resp.arch ? parseArch(resp.arch) : undefined;
  return {
    start: Number(resp.startUnixMs),
    bucketMs: Number(resp.bucketMs),
    lines: resp.lines.map((l) => ({
      nr: rowNr(l.nr),
      name: rowNr(l.nr) === null ? 'other' : arch ? syscallName(arch, l.nr) : `syscall_${l.nr}`,
      counts: l.counts.map(BigInt),
    })),
    totals: resp.totals.map(BigInt),
  };
}

export const SERIES_CSV_HEAD = ['bucket_end', 'bucket_seconds', 'syscall_nr', 'name', 'count', 'rate_per_s'];

/** Long format, one row per bucket and syscall, plus the bucket's total as name "all"; a bucket is named by its end. */
export function seriesRows(v: SeriesView): string[][] {
  const secs = v.bucketMs / 1000;
  const rows: string[][] = [];
  v.totals.forEach((total, i) => {
    const at = formatTime(v.start + (i + 1) * v.bucketMs);
    for (const l of v.lines)
      rows.push([
        at,
        String(secs),
        l.nr === null ? '' : String(l.nr),
        l.name,
        l.counts[i].toString(),
        (Number(l.counts[i]) / secs).toFixed(3),
      ]);
    rows.push([at, String(secs), '', 'all', total.toString(), (Number(total) / secs).toFixed(3)]);
  });
  return rows;
}

export function seriesCsv(v: SeriesView): string {
  return renderCsv(SERIES_CSV_HEAD, seriesRows(v));
}

export function seriesJson(v: SeriesView): string {
  return (
    JSON.stringify(
      {
        start: formatTime(v.start),
        bucketSeconds: v.bucketMs / 1000,
        buckets: v.totals.map((t, i) => ({
          end: formatTime(v.start + (i + 1) * v.bucketMs),
          total: t.toString(),
          syscalls: v.lines.map((l) => ({ nr: l.nr, name: l.name, count: l.counts[i].toString() })),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}
