import pc from 'picocolors';
import { nrOrder } from '../syscalls';
import { renderGrid } from './grid';
import { SyscallRef, syscallCells } from './syscall-cells';

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
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'RATE/s', '%'],
    shown.map((r) => [...syscallCells(r, '-'), r.count.toString(), rate(r.count, view.seconds), percent(r.count, all)]),
    ['right', 'left', 'right', 'right', 'right'],
    view.color,
  );
  return (
    [
      view.color ? pc.bold(view.title) : view.title,
      grid,
      `Total syscalls (top ${view.top}): ${total(shown)}`,
      `Total syscalls (all ${sorted.length} kinds): ${all}`,
    ].join('\n') + '\n'
  );
}

export interface GroupRow {
  key: string;
  count: bigint;
  /** --by process: the process name; --by container: the cgroup path. */
  label?: string;
}

/** HOST, RUN, PID | COMM or CONTAINER | CGROUP, then COUNT | RATE/s | % for top --by host|run|process|container. */
export function renderGrouped(
  title: string,
  label: string,
  rows: GroupRow[],
  seconds: number,
  top: number,
  color: boolean,
  labelHeader = 'COMM',
): string {
  const all = rows.reduce((s, r) => s + r.count, 0n);
  const shown = rows.slice(0, top);
  const named = rows.some((r) => r.label !== undefined);
  const grid = renderGrid(
    named ? [label, labelHeader, 'COUNT', 'RATE/s', '%'] : [label, 'COUNT', 'RATE/s', '%'],
    shown.map((r) => [
      r.key,
      ...(named ? [r.label ?? ''] : []),
      r.count.toString(),
      rate(r.count, seconds),
      percent(r.count, all),
    ]),
    named
      ? [label === 'PID' || label === 'ERRNO' ? 'right' : 'left', 'left', 'right', 'right', 'right']
      : ['left', 'right', 'right', 'right'],
    color,
  );
  return (
    [
      color ? pc.bold(title) : title,
      grid,
      `Total syscalls (top ${top}): ${shown.reduce((s, r) => s + r.count, 0n)}`,
      `Total syscalls (all ${rows.length} ${label === 'PID' ? 'processes' : `${label.toLowerCase()}s`}): ${all}`,
    ].join('\n') + '\n'
  );
}
