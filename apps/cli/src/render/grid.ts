import Table from 'cli-table3';
import pc from 'picocolors';
import { csvSafe, printable } from './escape';

export type Align = 'left' | 'right';

/** A plain " | " grid without outer borders, like syscount's: easy to read and to grep. */
export function renderGrid(head: string[], rows: string[][], aligns: Align[], color: boolean): string {
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
  table.push(...rows.map((r) => r.map((c) => printable(c, color))));
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
