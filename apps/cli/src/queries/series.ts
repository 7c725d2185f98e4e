import { Arch } from '@syscall-counter/syscall-table';
import { CliError } from '../errors';
import { ConnOpts } from '../options/connection';
import { ScopeOpts, scopeFrom } from '../options/scope';
import { nameTable, syscallLabel } from '../syscalls';
import { parseDuration, windowText } from '../time-window';
import { warnExpired } from '../render/expired-notice';
import { withClient } from './connect';

export interface SeriesOpts extends ConnOpts, ScopeOpts {
  /** How many syscalls get their own line; the rest add up in "other". */
  top: number;
  /** --bucket: the width of a bucket (default: the control plane picks about 60). */
  bucket?: string;
  arch?: Arch;
}

export interface SeriesLine {
  nr: number;
  name: string;
  counts: bigint[];
}

/** Counts per time bucket: a line per busy syscall, and each bucket's total. */
export interface SeriesView {
  start: number;
  bucketMs: number;
  lines: SeriesLine[];
  totals: bigint[];
}

/** Counts per time bucket of the busiest syscalls of a scope. */
export async function fetchSeries(opts: SeriesOpts): Promise<SeriesView> {
  const scope = scopeFrom(opts);
  const bucketMs = opts.bucket ? parseDuration(opts.bucket, '--bucket') : 0;
  const resp = await withClient(opts, (c) => c.series({ scope, bucketMs: String(bucketMs), top: opts.top }));
  warnExpired(resp.expired);
  if (resp.buckets === 0) throw new CliError(`no data ${windowText(scope.sinceUnixMs, scope.untilUnixMs)}`);
  const table = nameTable(opts.arch, resp.arch);
  return {
    start: Number(resp.startUnixMs),
    bucketMs: Number(resp.bucketMs),
    lines: resp.lines.map((l) => ({ nr: l.nr, name: syscallLabel(l.nr, table), counts: l.counts.map(BigInt) })),
    totals: resp.totals.map(BigInt),
  };
}

/** Where bucket @i ends: a bucket is named, and a chart's point placed, by its end. */
export function bucketEnd(v: SeriesView, i: number): number {
  return v.start + (i + 1) * v.bucketMs;
}
