import Table from 'cli-table3';
import pc from 'picocolors';

export type Align = 'left' | 'right';

/** A plain " | " grid without outer borders, like syscount's: easy to read and to grep. */
export function renderGrid(head: string[], rows: string[][], aligns: Align[], color: boolean): string {
  const table = new Table({
    head: color ? head.map((h) => pc.bold(h)) : head,
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
  table.push(...rows);
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** CSV with RFC 4180 quoting where a field needs it. */
export function renderCsv(head: string[], rows: string[][]): string {
  const field = (f: string) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return [head, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}
