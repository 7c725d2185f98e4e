import { SeriesView, bucketEnd } from '../queries/series';
import { formatTime } from '../time-window';
import { renderCsv } from './grid';
import { renderJson } from './json';
import { nrJson, syscallCells } from './syscall-cells';

const SERIES_CSV_HEAD = ['bucket_end', 'bucket_seconds', 'syscall_nr', 'name', 'count', 'rate_per_s'];

/** Long format, one row per bucket and syscall, plus the bucket's total as name "all". */
function seriesRows(v: SeriesView): string[][] {
  const secs = v.bucketMs / 1000;
  const rate = (count: bigint) => (Number(count) / secs).toFixed(3);
  return v.totals.flatMap((total, i) => {
    const at = formatTime(bucketEnd(v, i));
    return [
      ...v.lines.map((l) => [at, String(secs), ...syscallCells(l, ''), l.counts[i].toString(), rate(l.counts[i])]),
      [at, String(secs), '', 'all', total.toString(), rate(total)],
    ];
  });
}

export function seriesCsv(v: SeriesView): string {
  return renderCsv(SERIES_CSV_HEAD, seriesRows(v));
}

export function seriesJson(v: SeriesView): string {
  return renderJson({
    start: formatTime(v.start),
    bucketSeconds: v.bucketMs / 1000,
    buckets: v.totals.map((t, i) => ({
      end: formatTime(bucketEnd(v, i)),
      total: t.toString(),
      syscalls: v.lines.map((l) => ({ nr: nrJson(l.nr), name: l.name, count: l.counts[i].toString() })),
    })),
  });
}
