import Table from 'cli-table3';
import pc from 'picocolors';

export interface TopRow {
  nr: number | null; // null: the "other" bucket of ids outside the table's range
  name: string;
  count: bigint;
}

export interface TopView {
  title: string;
  seconds: number;
  rows: TopRow[]; // every non-zero syscall, any order
  top: number;
  color: boolean;
}

/** Busiest first; ties by number so the output is stable. */
export function sortRows(rows: TopRow[]): TopRow[] {
  return [...rows].sort((a, b) =>
    a.count === b.count ? (a.nr ?? Infinity) - (b.nr ?? Infinity) : a.count < b.count ? 1 : -1,
  );
}

export function total(rows: TopRow[]): bigint {
  return rows.reduce((s, r) => s + r.count, 0n);
}

function percent(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0.0';
  return (Number((part * 100000n) / whole) / 1000).toFixed(1);
}

function rate(count: bigint, seconds: number): string {
  return seconds > 0 ? (Number(count) / seconds).toFixed(1) : '-';
}

/** SYSCALL# | NAME | COUNT | RATE/s | %, then the total of the shown rows and of all. */
export function renderTop(view: TopView): string {
  const sorted = sortRows(view.rows);
  const shown = sorted.slice(0, view.top);
  const all = total(sorted);
  const head = ['SYSCALL#', 'NAME', 'COUNT', 'RATE/s', '%'];
  const table = new Table({
    head: view.color ? head.map((h) => pc.bold(h)) : head,
    colAligns: ['right', 'left', 'right', 'right', 'right'],
    // A plain " | " grid, like syscount's: easy to read and to grep.
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
      middle: '|',
    },
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1, compact: true },
  });
  for (const r of shown) {
    table.push([r.nr === null ? '-' : String(r.nr), r.name, r.count.toString(), rate(r.count, view.seconds), percent(r.count, all)]);
  }
  const shownTotal = total(shown);
  const lines = [
    view.color ? pc.bold(view.title) : view.title,
    table.toString().split('\n').map((l) => l.trimEnd()).join('\n'),
    `Total syscalls (top ${view.top}): ${shownTotal}`,
    `Total syscalls (all ${sorted.length} kinds): ${all}`,
  ];
  return lines.join('\n') + '\n';
}
