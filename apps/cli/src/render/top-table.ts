import pc from 'picocolors';
import { Display } from '../options/format';
import { nrOrder } from '../syscalls';
import { renderGrid } from './grid';
import { countText, plural, rateText } from './human';
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
  display: Display;
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

function rate(count: bigint, seconds: number, exact: boolean): string {
  return seconds > 0 ? rateText(Number(count) / seconds, exact) : '-';
}

/** The total lines: "(top 3)" sums the rows shown; "(all 12 kinds)", or "(the 1 kind)", every row. */
function totalLines(shown: bigint, rows: number, top: number, what: [string, string], exact: boolean): string[] {
  const all = rows === 1 ? `the ${plural(1, ...what)}` : `all ${plural(rows, ...what)}`;
  return [`Total syscalls (top ${Math.min(top, rows)}): ${countText(shown, exact)}`, `Total syscalls (${all}): `];
}

function titled(title: string, d: Display): string {
  return titleLine(title, d.color ? pc.bold : undefined);
}

/** SYSCALL# | NAME | COUNT | RATE/s | %, then the total of the shown rows and of all. */
export function renderTop(view: TopView): string {
  const d = view.display;
  const sorted = sortRows(view.rows);
  const shown = sorted.slice(0, view.top);
  const all = total(sorted);
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'RATE/s', '%'],
    shown.map((r) => [
      ...syscallCells(r, '-'),
      countText(r.count, d.exact),
      rate(r.count, view.seconds, d.exact),
      percent(r.count, all),
    ]),
    ['right', 'left', 'right', 'right', 'right'],
    d.color,
    { elidable: [false, true, false, false, false], width: d.width },
  );
  const [top, every] = totalLines(total(shown), sorted.length, view.top, ['kind', 'kinds'], d.exact);
  return [titled(view.title, d), grid, top, every + countText(all, d.exact)].join('\n') + '\n';
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
  /** What the rows are, for the total line: ["host", "hosts"], ["process", "processes"]. */
  noun: [string, string];
  rows: GroupRow[]; // busiest first
  seconds: number;
  top: number;
  display: Display;
}

/** HOST, RUN, PID | COMM, CONTAINER | CGROUP or ERRNO | NAME, then COUNT | RATE/s | %, then the totals. */
export function renderGrouped(view: GroupView): string {
  const d = view.display;
  const all = total(view.rows);
  const shown = view.rows.slice(0, view.top);
  const named = view.rows.some((r) => r.label !== undefined);
  const head = named ? [view.keyHeader, view.labelHeader ?? ''] : [view.keyHeader];
  // Ids, names and paths may be cut in the middle to fit; pids and errnos are numbers, never cut.
  const keyElidable = !view.numericKey;
  const grid = renderGrid(
    [...head, 'COUNT', 'RATE/s', '%'],
    shown.map((r) => [
      r.key,
      ...(named ? [r.label ?? ''] : []),
      countText(r.count, d.exact),
      rate(r.count, view.seconds, d.exact),
      percent(r.count, all),
    ]),
    named
      ? [view.numericKey ? 'right' : 'left', 'left', 'right', 'right', 'right']
      : ['left', 'right', 'right', 'right'],
    d.color,
    { elidable: named ? [keyElidable, true, false, false, false] : [keyElidable, false, false, false], width: d.width },
  );
  const [top, every] = totalLines(total(shown), view.rows.length, view.top, view.noun, d.exact);
  return [titled(view.title, d), grid, top, every + countText(all, d.exact)].join('\n') + '\n';
}
