import { Format } from '../options/format';
import { renderCsv, renderGrid } from './grid';
import { renderJson } from './json';
import { titleLine } from './escape';

/** One syscall of strace -c's table: its calls and failures exact, its time from the latency histograms. */
export interface SummaryRow {
  nr: number;
  name: string;
  calls: number;
  errors: number;
  /** Time in the call (sys_enter to sys_exit), summed over the calls that returned. */
  totalNs: number;
  /** Calls that returned: the time per call is over these (exit_group never returns). */
  timed: number;
}

const HEAD = ['% TIME', 'SECONDS', 'USECS/CALL', 'CALLS', 'ERRORS', 'SYSCALL'];
const CSV_HEAD = ['syscall_nr', 'name', 'calls', 'errors', 'total_ns', 'timed', 'pct_time'];

const pct = (ns: number, all: number) => (all ? (100 * ns) / all : 0);
const usecsPerCall = (r: Pick<SummaryRow, 'totalNs' | 'timed'>) =>
  r.timed ? Math.round(r.totalNs / r.timed / 1000) : 0;

/** strace -c -f's order: the most time first, then the most calls. */
export function sortSummary(rows: SummaryRow[]): SummaryRow[] {
  return [...rows].sort((a, b) => b.totalNs - a.totalNs || b.calls - a.calls || a.name.localeCompare(b.name));
}

/** strace -c's table and its total line (ERRORS blank where none failed, as strace prints it). */
function table(rows: SummaryRow[], title: string, color: boolean): string {
  const all = rows.reduce((s, r) => s + r.totalNs, 0);
  const sum = (k: 'calls' | 'errors' | 'timed') => rows.reduce((s, r) => s + r[k], 0);
  const line = (r: Omit<SummaryRow, 'nr'>) => [
    pct(r.totalNs, all).toFixed(2),
    (r.totalNs / 1e9).toFixed(6),
    String(usecsPerCall(r)),
    String(r.calls),
    r.errors ? String(r.errors) : '',
    r.name,
  ];
  const total = { name: 'total', calls: sum('calls'), errors: sum('errors'), totalNs: all, timed: sum('timed') };
  const dashes = ['------', '-----------', '----------', '---------', '---------', '----------------'];
  const grid = renderGrid(HEAD, [...rows.map(line), dashes, line(total)], Array(5).fill('right').concat('left'), color);
  return `${titleLine(title)}\n${grid}\n`;
}

export function renderSummary(rows: SummaryRow[], view: { format: Format; title: string; color: boolean }): string {
  const sorted = sortSummary(rows);
  if (view.format === 'json') return renderJson({ syscalls: sorted });
  if (view.format === 'csv') {
    const all = sorted.reduce((s, r) => s + r.totalNs, 0);
    const cells = (r: SummaryRow) => [
      r.nr,
      r.name,
      r.calls,
      r.errors,
      r.totalNs,
      r.timed,
      pct(r.totalNs, all).toFixed(2),
    ];
    return renderCsv(
      CSV_HEAD,
      sorted.map((r) => cells(r).map(String)),
    );
  }
  return table(sorted, view.title, view.color);
}
