import Table from 'cli-table3';
import pc from 'picocolors';
import { csvSafe, printable } from './escape';
import { columnsToShow, fitRows } from './fit';

export type Align = 'left' | 'right';

/** How a grid fits the terminal: the columns that may be cut in the middle (ids, paths), and the width. */
export interface Fit {
  elidable: boolean[];
  width?: number;
  /** Columns that may be left out when even cut ids do not fit, the least useful first. */
  optional?: number[];
}

/**
 * A plain " | " grid without outer borders, like syscount's: easy to read and to grep. With @fit,
 * long cells of its elidable columns are cut in the middle so that lines fit its width.
 */
export function renderGrid(head: string[], rows: string[][], aligns: Align[], color: boolean, fit?: Fit): string {
  if (fit?.optional?.length) {
    const shown = columnsToShow(head, rows, fit.elidable, fit.optional, fit.width);
    if (shown.length < head.length) {
      const pick = <T>(xs: T[]) => shown.map((i) => xs[i]);
      const grid = renderGrid(pick(head), rows.map(pick), pick(aligns), color, {
        elidable: pick(fit.elidable),
        width: fit.width,
      });
      const hidden = head.length - shown.length;
      const what = `${hidden} column${hidden === 1 ? '' : 's'}`;
      return `${grid}\n(${what} left out to fit ${fit.width} columns: --wide shows all)`;
    }
  }
  const table = new Table({
    head: color ? head.map((h) => pc.bold(printable(h))) : head.map((h) => printable(h)),
    colAligns: aligns,
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '|',
    },
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1, compact: true },
  });
  // Cells hold what agents sent: no terminal escapes of theirs reach the screen.
  const safe = rows.map((r) => r.map((c) => printable(c, color)));
  table.push(...(fit ? fitRows(head, safe, fit.elidable, fit.width) : safe));
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** CSV with RFC 4180 quoting where a field needs it, and no cell a spreadsheet would run as a formula. */
export function renderCsv(head: string[], rows: string[][]): string {
  const quote = (f: string) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  const field = (f: string) => quote(csvSafe(f));
  return [head, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}
