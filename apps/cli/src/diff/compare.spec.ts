import { DiffResponse } from '@syscall-counter/proto';
import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { compare, summary } from './compare';

const side = (seconds: number, total: number) => ({
  firstUnixMs: '1000',
  lastUnixMs: String(1000 + seconds * 1000),
  total: String(total),
  arch: 'x86_64',
});

describe('compare', () => {
  const resp: DiffResponse = {
    a: side(10, 1110),
    b: side(20, 2400),
    rows: [
      { nr: 0, countA: '100', countB: '200' }, // same rate: 10/s on both sides
      { nr: 1, countA: '10', countB: '0' },
      { nr: 39, countA: '0', countB: '400' },
      { nr: 110, countA: '1000', countB: '1800' },
    ],
  };
  const c = compare(resp, 'x86_64');

  it('turns counts into rates over each side’s own span', () => {
    expect(c.secondsA).toBe(10);
    expect(c.secondsB).toBe(20);
    const read = c.lines.find((l) => l.nr === 0)!;
    expect([read.rateA, read.rateB, read.deltaRate, read.deltaCount]).toEqual([10, 10, 0, 100n]);
  });

  it('sorts by the size of the rate change and marks new and vanished syscalls', () => {
    expect(c.lines.map((l) => [l.name, l.deltaRate, l.status])).toEqual([
      ['getpid', 20, 'new'],
      ['getppid', -10, ''],
      ['write', -1, 'gone'],
      ['read', 0, ''],
    ]);
    expect(c.lines.find((l) => l.nr === 110)!.relative).toBeCloseTo(-0.1);
    expect(c.lines.find((l) => l.nr === 39)!.relative).toBeNull();
  });

  it('summarises the change in one line', () => {
    expect(summary(c)).toBe(
      'B vs A: total 111.0/s → 120.0/s (+8.1%); 1 new, 1 vanished; biggest change: getpid +20.0/s (new, +400 calls)',
    );
  });

  it('names ids outside the table "other" and keeps 64-bit counts exact', () => {
    const big = compare(
      {
        a: side(1, 0),
        b: side(1, 0),
        rows: [{ nr: SYSCALL_NR_OTHER, countA: '18446744073709551615', countB: '18446744073709551614' }],
      },
      'x86_64',
    );
    expect(big.lines[0]).toMatchObject({
      nr: SYSCALL_NR_OTHER,
      name: 'other',
      deltaCount: -1n,
      countA: 18446744073709551615n,
    });
  });
});
