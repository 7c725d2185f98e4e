import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { renderTop, sortRows, TopRow } from './top-table';

const rows: TopRow[] = [
  { nr: 0, name: 'read', count: 10n },
  { nr: 110, name: 'getppid', count: 18446744073709551615n }, // 2^64-1: no precision lost
  { nr: SYSCALL_NR_OTHER, name: 'other', count: 3n },
  { nr: 1, name: 'write', count: 10n },
];

describe('top table', () => {
  it('sorts by count, ties by number, the other bucket last among equals', () => {
    expect(sortRows(rows).map((r) => r.name)).toEqual(['getppid', 'read', 'write', 'other']);
  });

  it('renders SYSCALL# | NAME | COUNT | RATE/s | % with exact 64-bit counts and totals', () => {
    const text = renderTop({ title: 'T', seconds: 0, rows, top: 2, display: { color: false, exact: true, utc: true } });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('T');
    expect(lines[1]).toMatch(/^ SYSCALL# \| NAME +\| +COUNT \| RATE\/s \| +%$/);
    expect(lines[2]).toMatch(/^ +110 \| getppid \| 18446744073709551615 \| +- \| 100\.0$/);
    expect(lines[3]).toMatch(/^ +0 \| read +\| +10 \| +- \| +0\.0$/);
    expect(lines[4]).toBe('Total syscalls (top 2): 18446744073709551625');
    expect(lines[5]).toBe('Total syscalls (all 4 kinds): 18446744073709551638');
    expect(lines).toHaveLength(6);
  });

  it('shows rates per second and the other bucket as "-"', () => {
    const text = renderTop({
      title: 'T',
      seconds: 2,
      rows: [{ nr: SYSCALL_NR_OTHER, name: 'other', count: 3n }],
      top: 15,
      display: { color: false, exact: false, utc: true },
    });
    expect(text).toMatch(/ +- \| other \| +3 \| +1\.5 \| 100\.0\n/);
  });
});
