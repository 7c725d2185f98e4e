import { Display, Format } from '../options/format';
import { LatencyRow } from '../queries/latency';
import { renderCsv, renderGrid } from './grid';
import { countText, humanDuration } from './human';
import { renderJson } from './json';
import { nrJson, syscallCells } from './syscall-cells';
import { titleLine } from './escape';

/** Nanoseconds as microseconds with two decimals: CSV, and tables with --exact. */
export const us = (ns: number) => (ns / 1e3).toFixed(2);

/** "512ns", "4.1µs", "2.1ms", "1.07s": a log2 bucket bound. */
export function durationLabel(ns: number): string {
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${+(ns / 1e3).toPrecision(3)}µs`;
  if (ns < 1e9) return `${+(ns / 1e6).toPrecision(3)}ms`;
  return `${+(ns / 1e9).toPrecision(3)}s`;
}

const NOTE = [
  'P50/P99 are estimates: the midpoint of the log2 bucket holding them. TIMED counts calls seen to enter and return;',
  'UNRETURNED ones had not returned when counting stopped (exit, exit_group, or still blocked).',
];

function csvCells(r: LatencyRow): string[] {
  return [
    ...syscallCells(r, ''),
    String(r.count),
    String(r.latency.timed),
    us(r.latency.avg_ns),
    us(r.latency.p50_ns),
    us(r.latency.p99_ns),
    (r.latency.total_ns / 1e6).toFixed(3),
    String(r.latency.unreturned),
  ];
}

/** Exact: the CSV's numbers (µs, ms); else counts like 12.3k and durations in the unit that fits. */
function tableCells(r: LatencyRow, exact: boolean): string[] {
  if (exact) return [...syscallCells(r, '-'), ...csvCells(r).slice(2)];
  const l = r.latency;
  return [
    ...syscallCells(r, '-'),
    countText(r.count, false),
    countText(l.timed, false),
    humanDuration(l.avg_ns),
    humanDuration(l.p50_ns),
    humanDuration(l.p99_ns),
    humanDuration(l.total_ns),
    countText(l.unreturned, false),
  ];
}

const HEAD = ['SYSCALL#', 'NAME', 'COUNT', 'TIMED', 'AVG', 'P50', 'P99', 'TOTAL', 'UNRETURNED'];
const EXACT_HEAD = ['SYSCALL#', 'NAME', 'COUNT', 'TIMED', 'AVG µs', 'P50 µs', 'P99 µs', 'TOTAL ms', 'UNRETURNED'];

export function renderLatency(
  rows: LatencyRow[],
  view: { format: Format; top: number; title: string; display: Display },
): string {
  if (view.format === 'json') return renderJson({ syscalls: rows.map((r) => ({ ...r, nr: nrJson(r.nr) })) });
  if (view.format === 'csv') {
    return renderCsv(
      ['syscall_nr', 'name', 'count', 'timed', 'avg_us', 'p50_us', 'p99_us', 'total_ms', 'unreturned'],
      rows.map(csvCells),
    );
  }
  const d = view.display;
  const grid = renderGrid(
    d.exact ? EXACT_HEAD : HEAD,
    rows.slice(0, view.top).map((r) => tableCells(r, d.exact)),
    ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    d.color,
    { elidable: [false, true, false, false, false, false, false, false, false], width: d.width },
  );
  return [titleLine(view.title), grid, ...NOTE].join('\n') + '\n';
}
