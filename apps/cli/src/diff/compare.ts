import { DiffResponse } from '@syscall-counter/proto';
import { Arch } from '@syscall-counter/syscall-table';
import { nrOrder, syscallLabel } from '../syscalls';
import { spanSeconds } from '../time-window';

export interface DiffLine {
  nr: number; // --by syscall: the wire's number (SYSCALL_NR_OTHER: the "other" bucket)
  name: string;
  countA: bigint;
  countB: bigint;
  deltaCount: bigint;
  rateA: number; // calls per second over side A's span
  rateB: number;
  deltaRate: number;
  relative: number | null; // (rateB - rateA) / rateA; null when A had none
  status: 'new' | 'gone' | '';
}

export type DiffBy = 'syscall' | 'process' | 'container';

export interface Comparison {
  by: DiffBy;
  secondsA: number;
  secondsB: number;
  totalA: bigint;
  totalB: bigint;
  rateA: number;
  rateB: number;
  lines: DiffLine[]; // biggest change in rate first
}

const perSecond = (count: bigint, seconds: number) => (seconds > 0 ? Number(count) / seconds : 0);

/**
 * Rates per second on each side (sides may span different times), changes, new and vanished
 * syscalls (or process names, or containers: rows keyed by name, "other" for the rest).
 * @table names the syscalls (none: syscall_<nr>).
 */
export function compare(resp: DiffResponse, table: Arch | undefined, by: DiffBy = 'syscall'): Comparison {
  const secondsA = spanSeconds(resp.a?.firstUnixMs, resp.a?.lastUnixMs);
  const secondsB = spanSeconds(resp.b?.firstUnixMs, resp.b?.lastUnixMs);
  const lines = resp.rows.map((r): DiffLine => {
    const countA = BigInt(r.countA);
    const countB = BigInt(r.countB);
    const rateA = perSecond(countA, secondsA);
    const rateB = perSecond(countB, secondsB);
    return {
      nr: r.nr,
      name: by === 'syscall' ? syscallLabel(r.nr, table) : r.key || 'other',
      countA,
      countB,
      deltaCount: countB - countA,
      rateA,
      rateB,
      deltaRate: rateB - rateA,
      relative: countA === 0n ? null : (rateB - rateA) / rateA,
      status: countA === 0n ? 'new' : countB === 0n ? 'gone' : '',
    };
  });
  const abs = (b: bigint) => (b < 0n ? -b : b);
  lines.sort((x, y) => {
    const d = Math.abs(y.deltaRate) - Math.abs(x.deltaRate);
    if (d !== 0) return d;
    const c = abs(y.deltaCount) - abs(x.deltaCount);
    if (c !== 0n) return c > 0n ? 1 : -1;
    return nrOrder(x.nr) - nrOrder(y.nr) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  });
  const totalA = BigInt(resp.a?.total || '0');
  const totalB = BigInt(resp.b?.total || '0');
  return {
    by,
    secondsA,
    secondsB,
    totalA,
    totalB,
    rateA: perSecond(totalA, secondsA),
    rateB: perSecond(totalB, secondsB),
    lines,
  };
}

export function signed(n: number, digits = 1): string {
  return (n > 0 ? '+' : n < 0 ? '' : '±') + n.toFixed(digits);
}

export function signedCount(n: bigint): string {
  return (n > 0n ? '+' : n < 0n ? '' : '±') + n.toString();
}

/** "+8.1%": the change from @before to @after. */
function percent(after: number, before: number): string {
  return `${signed(((after - before) / before) * 100)}%`;
}

export function relativeText(l: Pick<DiffLine, 'relative' | 'status'>): string {
  if (l.status) return l.status;
  return `${signed((l.relative ?? 0) * 100)}%`;
}

/** One line that answers "what changed": total rate change, new/vanished syscalls, the biggest mover. */
export function summary(c: Comparison): string {
  const parts = [
    `total ${c.rateA.toFixed(1)}/s → ${c.rateB.toFixed(1)}/s (${c.rateA > 0 ? percent(c.rateB, c.rateA) : 'new'})`,
  ];
  const added = c.lines.filter((l) => l.status === 'new').length;
  const gone = c.lines.filter((l) => l.status === 'gone').length;
  parts.push(`${added} new, ${gone} vanished`);
  const top = c.lines[0];
  if (top && top.deltaRate !== 0)
    parts.push(
      `biggest change: ${top.name} ${signed(top.deltaRate)}/s ` +
        `(${relativeText(top)}, ${signedCount(top.deltaCount)} calls)`,
    );
  return `B vs A: ${parts.join('; ')}`;
}
