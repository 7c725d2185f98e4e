import pc from 'picocolors';
import { Display, Format } from '../options/format';
import { Comparison, DiffLine, relativeText, summary } from '../diff/compare';
import { renderCsv, renderGrid } from './grid';
import { countText, rateText } from './human';
import { renderJson } from './json';
import { nrJson, syscallCells } from './syscall-cells';
import { titleLine } from './escape';

const DIFF_CSV_VALUES = [
  'count_a',
  'count_b',
  'delta_count',
  'rate_a',
  'rate_b',
  'delta_rate',
  'relative_change',
  'status',
];

/** The columns that name a row: a syscall's number and name, or a process name or container. */
function nameHead(c: Comparison, csv: boolean): string[] {
  if (c.by === 'syscall') return csv ? ['syscall_nr', 'name'] : ['SYSCALL#', 'NAME'];
  const head = c.by === 'process' ? 'comm' : 'container';
  return [csv ? head : head.toUpperCase()];
}

function nameCells(c: Comparison, l: DiffLine, other: '-' | ''): string[] {
  return c.by === 'syscall' ? syscallCells(l, other) : [l.name];
}

function csvRow(c: Comparison, l: DiffLine): string[] {
  return [
    ...nameCells(c, l, ''),
    l.countA.toString(),
    l.countB.toString(),
    l.deltaCount.toString(),
    l.rateA.toFixed(3),
    l.rateB.toFixed(3),
    l.deltaRate.toFixed(3),
    l.relative === null ? '' : l.relative.toFixed(4),
    l.status,
  ];
}

function diffCsv(c: Comparison): string {
  return renderCsv(
    [...nameHead(c, true), ...DIFF_CSV_VALUES],
    c.lines.map((l) => csvRow(c, l)),
  );
}

function diffJson(c: Comparison, labels: { a: string; b: string }): string {
  const doc = {
    a: { label: labels.a, seconds: c.secondsA, total: c.totalA.toString(), rate: c.rateA },
    b: { label: labels.b, seconds: c.secondsB, total: c.totalB.toString(), rate: c.rateB },
    by: c.by,
    summary: summary(c),
    [c.by === 'syscall' ? 'syscalls' : c.by === 'process' ? 'processes' : 'containers']: c.lines.map((l) => ({
      ...(c.by === 'syscall' ? { nr: nrJson(l.nr) } : {}),
      name: l.name,
      countA: l.countA.toString(),
      countB: l.countB.toString(),
      deltaCount: l.deltaCount.toString(),
      rateA: l.rateA,
      rateB: l.rateB,
      deltaRate: l.deltaRate,
      relative: l.relative,
      status: l.status || null,
    })),
  };
  return renderJson(doc);
}

/** "+12.3k", "-300", "±0": a change, as a person reads it unless @exact. */
function signedText(n: bigint | number, exact: boolean): string {
  const sign = n > 0 ? '+' : n < 0 ? '' : '±';
  return sign + (typeof n === 'bigint' ? countText(n, exact) : rateText(n, exact));
}

/** Biggest movers first; increases red, decreases green (more syscalls cost more), new/vanished marked. */
function diffTable(c: Comparison, labels: { a: string; b: string }, top: number, d: Display): string {
  const color = d.color;
  const paint = (l: DiffLine, s: string) =>
    !color || l.deltaRate === 0 ? s : l.deltaRate > 0 ? pc.red(s) : pc.green(s);
  const shown = c.lines.slice(0, top);
  const grid = renderGrid(
    [...nameHead(c, false), 'A COUNT', 'B COUNT', 'Δ COUNT', 'A RATE/s', 'B RATE/s', 'Δ RATE/s', 'Δ%'],
    shown.map((l) => [
      ...nameCells(c, l, '-'),
      countText(l.countA, d.exact),
      countText(l.countB, d.exact),
      paint(l, signedText(l.deltaCount, d.exact)),
      rateText(l.rateA, d.exact),
      rateText(l.rateB, d.exact),
      paint(l, signedText(l.deltaRate, d.exact)),
      paint(l, relativeText(l)),
    ]),
    [
      ...(c.by === 'syscall' ? (['right', 'left'] as const) : (['left'] as const)),
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ],
    color,
    { elidable: c.by === 'syscall' ? [false, true] : [true], width: d.width },
  );
  const head = [
    titleLine(`A: ${labels.a} (${c.secondsA.toFixed(1)} s, ${countText(c.totalA, d.exact)} calls)`),
    titleLine(`B: ${labels.b} (${c.secondsB.toFixed(1)} s, ${countText(c.totalB, d.exact)} calls)`),
  ];
  const kind = c.by === 'syscall' ? 'syscalls' : c.by === 'process' ? 'process names' : 'containers';
  const more = c.lines.length > top ? [`(${c.lines.length - top} more ${kind}; -n ${c.lines.length} shows all)`] : [];
  return [...head, grid, ...more, titleLine(summary(c), color ? pc.bold : undefined)].join('\n') + '\n';
}

/** A diff in the requested format: tables show the first @top rows, CSV and JSON all of them. */
export function renderDiff(
  c: Comparison,
  labels: { a: string; b: string },
  view: { format: Format; top: number; display: Display },
): string {
  if (view.format === 'csv') return diffCsv(c);
  if (view.format === 'json') return diffJson(c, labels);
  return diffTable(c, labels, view.top, view.display);
}
