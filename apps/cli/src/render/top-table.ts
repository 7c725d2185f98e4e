import pc from 'picocolors';
import { nrOrder } from '../syscalls';
import { renderGrid } from './grid';
import { SyscallRef, syscallCells } from './syscall-cells';
import { titleLine } from './escape';

export interface TopRow extends SyscallRef {
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
  return [...rows].sort((a, b) => (a.count === b.count ? nrOrder(a.nr) - nrOrder(b.nr) : a.count < b.count ? 1 : -1));
}

function total(rows: Array<{ count: bigint }>): bigint {
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
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'RATE/s', '%'],
    shown.map((r) => [...syscallCells(r, '-'), r.count.toString(), rate(r.count, view.seconds), percent(r.count, all)]),
    ['right', 'left', 'right', 'right', 'right'],
    view.color,
  );
  return (
    [
      titleLine(view.title, view.color ? pc.bold : undefined),
      grid,
      `Total syscalls (top ${view.top}): ${total(shown)}`,
      `Total syscalls (all ${sorted.length} kinds): ${all}`,
    ].join('\n') + '\n'
  );
}

export interface GroupRow {
  key: string;
  count: bigint;
  /** --by process: the process name; --by container: the cgroup path; --by errno: its name. */
  label?: string;
}

export interface GroupView {
  title: string;
  /** The key's column: HOST, RUN, PID, CONTAINER, ERRNO. */
  keyHeader: string;
  /** The label's column (COMM, CGROUP, NAME), shown when rows carry labels. */
  labelHeader?: string;
  /** Numbers (pids, errnos) are right-aligned. */
  numericKey: boolean;
  /** What the rows are, for the total line: "hosts", "processes". */
  plural: string;
  rows: GroupRow[]; // busiest first
  seconds: number;
  top: number;
  color: boolean;
}

/** HOST, RUN, PID | COMM, CONTAINER | CGROUP or ERRNO | NAME, then COUNT | RATE/s | %, then the totals. */
export function renderGrouped(view: GroupView): string {
  const all = total(view.rows);
  const shown = view.rows.slice(0, view.top);
  const named = view.rows.some((r) => r.label !== undefined);
  const head = named ? [view.keyHeader, view.labelHeader ?? ''] : [view.keyHeader];
  const grid = renderGrid(
    [...head, 'COUNT', 'RATE/s', '%'],
    shown.map((r) => [
      r.key,
      ...(named ? [r.label ?? ''] : []),
      r.count.toString(),
      rate(r.count, view.seconds),
      percent(r.count, all),
    ]),
    named
      ? [view.numericKey ? 'right' : 'left', 'left', 'right', 'right', 'right']
      : ['left', 'right', 'right', 'right'],
    view.color,
  );
  return (
    [
      titleLine(view.title, view.color ? pc.bold : undefined),
      grid,
      `Total syscalls (top ${view.top}): ${total(shown)}`,
      `Total syscalls (all ${view.rows.length} ${view.plural}): ${all}`,
    ].join('\n') + '\n'
  );
}
