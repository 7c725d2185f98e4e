import { Format } from '../options/format';
import { LatencyRow } from '../queries/latency';
import { renderCsv, renderGrid } from './grid';
import { renderJson } from './json';
import { nrJson, syscallCells } from './syscall-cells';
import { titleLine } from './escape';

/** Nanoseconds as microseconds with two decimals, as the tables show them. */
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

function cells(r: LatencyRow, other: '-' | ''): string[] {
  return [
    ...syscallCells(r, other),
    String(r.count),
    String(r.latency.timed),
    us(r.latency.avg_ns),
    us(r.latency.p50_ns),
    us(r.latency.p99_ns),
    (r.latency.total_ns / 1e6).toFixed(3),
    String(r.latency.unreturned),
  ];
}

export function renderLatency(rows: LatencyRow[], view: { format: Format; top: number; title: string }): string {
  if (view.format === 'json') return renderJson({ syscalls: rows.map((r) => ({ ...r, nr: nrJson(r.nr) })) });
  if (view.format === 'csv') {
    return renderCsv(
      ['syscall_nr', 'name', 'count', 'timed', 'avg_us', 'p50_us', 'p99_us', 'total_ms', 'unreturned'],
      rows.map((r) => cells(r, '')),
    );
  }
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'TIMED', 'AVG µs', 'P50 µs', 'P99 µs', 'TOTAL ms', 'UNRETURNED'],
    rows.slice(0, view.top).map((r) => cells(r, '-')),
    ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    false,
  );
  return [titleLine(view.title), grid, ...NOTE].join('\n') + '\n';
}
