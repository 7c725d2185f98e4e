import pc from 'picocolors';
import { Comparison, DiffLine, relativeText, signed, signedCount, summary } from '../diff/compare';
import { renderCsv, renderGrid } from './grid';

export const DIFF_CSV_HEAD = ['syscall_nr', 'name', 'count_a', 'count_b', 'delta_count', 'rate_a', 'rate_b', 'delta_rate', 'relative_change', 'status'];

function csvRow(l: DiffLine): string[] {
  return [
    l.nr === null ? '' : String(l.nr),
    l.name,
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

export function diffCsv(c: Comparison): string {
  return renderCsv(DIFF_CSV_HEAD, c.lines.map(csvRow));
}

export function diffJson(c: Comparison, labels: { a: string; b: string }): string {
  const doc = {
    a: { label: labels.a, seconds: c.secondsA, total: c.totalA.toString(), rate: c.rateA },
    b: { label: labels.b, seconds: c.secondsB, total: c.totalB.toString(), rate: c.rateB },
    summary: summary(c),
    syscalls: c.lines.map((l) => ({
      nr: l.nr,
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
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Biggest movers first; increases red, decreases green (more syscalls cost more), new/vanished marked. */
export function diffTable(c: Comparison, labels: { a: string; b: string }, top: number, color: boolean): string {
  const paint = (l: DiffLine, s: string) => (!color || l.deltaRate === 0 ? s : l.deltaRate > 0 ? pc.red(s) : pc.green(s));
  const shown = c.lines.slice(0, top);
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'A COUNT', 'B COUNT', 'Δ COUNT', 'A RATE/s', 'B RATE/s', 'Δ RATE/s', 'Δ%'],
    shown.map((l) => [
      l.nr === null ? '-' : String(l.nr),
      l.name,
      l.countA.toString(),
      l.countB.toString(),
      paint(l, signedCount(l.deltaCount)),
      l.rateA.toFixed(1),
      l.rateB.toFixed(1),
      paint(l, signed(l.deltaRate)),
      paint(l, relativeText(l)),
    ]),
    ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    color,
  );
  const head = [`A: ${labels.a} (${c.secondsA.toFixed(1)} s, ${c.totalA} calls)`, `B: ${labels.b} (${c.secondsB.toFixed(1)} s, ${c.totalB} calls)`];
  const more = c.lines.length > top ? [`(${c.lines.length - top} more syscalls; -n ${c.lines.length} shows all)`] : [];
  return [...head, grid, ...more, color ? pc.bold(summary(c)) : summary(c)].join('\n') + '\n';
}
