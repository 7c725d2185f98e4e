import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { nameTable, nrOrder, syscallLabel } from '../syscalls';
import { nrJson, syscallCells } from './syscall-cells';

describe('the SYSCALL# and NAME cells', () => {
  it('show a syscall by number and name', () => {
    expect(syscallCells({ nr: 110, name: 'getppid' }, '-')).toEqual(['110', 'getppid']);
    expect(syscallCells({ nr: -1, name: 'syscall_-1' }, '')).toEqual(['-1', 'syscall_-1']);
    expect(nrJson(110)).toBe(110);
  });

  it('show the other bucket without a number: "-" in tables, empty in CSV, null in JSON', () => {
    expect(syscallCells({ nr: SYSCALL_NR_OTHER, name: 'other' }, '-')).toEqual(['-', 'other']);
    expect(syscallCells({ nr: SYSCALL_NR_OTHER, name: 'other' }, '')).toEqual(['', 'other']);
    expect(nrJson(SYSCALL_NR_OTHER)).toBeNull();
  });
});

describe('syscall names', () => {
  it('come from --arch, else the reported table, else syscall_<nr>', () => {
    expect(syscallLabel(39, nameTable('arm64', 'x86_64'))).toBe('umount2');
    expect(syscallLabel(39, nameTable(undefined, 'x86_64'))).toBe('getpid');
    expect(syscallLabel(39, nameTable(undefined, ''))).toBe('syscall_39');
    expect(syscallLabel(SYSCALL_NR_OTHER, undefined)).toBe('other');
    expect(syscallLabel(SYSCALL_NR_OTHER, 'x86_64')).toBe('other');
  });

  it('sort the other bucket after every numbered syscall', () => {
    expect([SYSCALL_NR_OTHER, 3, -1].sort((a, b) => nrOrder(a) - nrOrder(b))).toEqual([-1, 3, SYSCALL_NR_OTHER]);
  });

  it('reject an unknown reported architecture as a usage error', () => {
    expect(() => nameTable(undefined, 'mips')).toThrow(expect.objectContaining({ kind: 'usage', exitCode: 2 }));
  });
});
