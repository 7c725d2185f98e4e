import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { errnoName, listSyscalls, parseArch, SYSCALL_NR_OTHER, syscallName, syscallNumber } from './index';

describe('syscall table', () => {
  it.each([
    [0, 'read'],
    [59, 'execve'],
    [110, 'getppid'],
    [202, 'futex'],
    [334, 'rseq'],
    [335, 'uretprobe'],
    [336, 'uprobe'],
    [451, 'cachestat'],
    [462, 'mseal'],
    [463, 'setxattrat'],
    [466, 'removexattrat'],
    [467, 'open_tree_attr'],
    [468, 'file_getattr'],
    [469, 'file_setattr'],
    [470, 'listns'],
  ])('x86_64 %i is %s', (nr, name) => {
    expect(syscallName('x86_64', nr)).toBe(name);
    expect(syscallNumber('x86_64', name)).toBe(nr);
  });

  it.each([
    [63, 'read'],
    [64, 'write'],
    [38, 'renameat'],
    [163, 'getrlimit'],
    [173, 'getppid'],
    [221, 'execve'],
    [222, 'mmap'],
    [447, 'memfd_secret'],
    [462, 'mseal'],
    [470, 'listns'],
  ])('arm64 %i is %s', (nr, name) => {
    expect(syscallName('arm64', nr)).toBe(name);
  });

  it.each([
    ['x86_64', 337],
    ['x86_64', 400],
    ['x86_64', 471],
    ['x86_64', 512], // x32-only numbers are no native x86_64 syscall
    ['x86_64', 999],
    ['x86_64', -1],
    ['arm64', 42], // a hole in the generic table
    ['arm64', 244], // arc's cacheflush: not arm64's
    ['arm64', 403], // clock_gettime64 is 32-bit only
    ['arm64', 471],
  ] as const)('%s %i is unknown and printed as syscall_<N>', (arch, nr) => {
    expect(syscallName(arch, nr)).toBe(`syscall_${nr}`);
  });

  it('names the "other" bucket, -2 on the wire and in the store, on every arch', () => {
    expect(SYSCALL_NR_OTHER).toBe(-2);
    expect(syscallName('x86_64', SYSCALL_NR_OTHER)).toBe('other');
    expect(syscallName('arm64', -2)).toBe('other');
    expect(syscallName('i386', -3)).toBe('syscall_-3');
  });

  it('resolves syscall_<N> names back to numbers', () => {
    expect(syscallNumber('x86_64', 'syscall_999')).toBe(999);
    expect(syscallNumber('x86_64', 'no_such_call')).toBeUndefined();
  });

  it('has no duplicates and lists every number once', () => {
    for (const arch of ['x86_64', 'arm64'] as const) {
      const rows = listSyscalls(arch);
      expect(new Set(rows.map((r) => r.nr)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    }
    expect(listSyscalls('x86_64')).toHaveLength(384);
  });

  it('parses architecture aliases and rejects unknown ones', () => {
    expect(parseArch('aarch64')).toBe('arm64');
    expect(parseArch('amd64')).toBe('x86_64');
    expect(() => parseArch('mips')).toThrow(/unknown architecture 'mips'/);
  });

  it('agrees with the agent, which reads the same generated header', () => {
    const agent = join(__dirname, '../../../agent/syscall-counter-agent');
    // Built by the bootstrap before any test runs.
    const listed = execFileSync(agent, ['-l'], { encoding: 'utf8' });
    const fromAgent = listed
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(fromAgent).toEqual(listSyscalls('x86_64').map((r) => [String(r.nr), r.name]));
  });
});

describe('i386 (compat) table', () => {
  it.each([
    [1, 'exit'],
    [20, 'getpid'],
    [64, 'getppid'],
    [252, 'exit_group'],
    [295, 'openat'],
    [403, 'clock_gettime64'],
    [451, 'cachestat'],
    [470, 'listns'],
  ])('i386 %i is %s', (nr, name) => {
    expect(syscallName('i386', nr)).toBe(name);
  });

  it('numbers differ from x86_64, and unknown ones stay syscall_<N>', () => {
    expect(syscallName('x86_64', 20)).toBe('writev');
    expect(syscallName('i386', 415)).toBe('syscall_415'); // a hole in the i386 table
    expect(syscallName('i386', 471)).toBe('syscall_471');
    expect(parseArch('i686')).toBe('i386');
  });
});

describe('errno names', () => {
  it.each([
    [1, 'EPERM'],
    [2, 'ENOENT'],
    [9, 'EBADF'],
    [11, 'EAGAIN'],
    [35, 'EDEADLK'],
    [110, 'ETIMEDOUT'],
    [133, 'EHWPOISON'],
    [512, 'ERESTARTSYS'],
    [530, 'ERECALLCONFLICT'],
  ])('%i is %s', (code, name) => {
    expect(errnoName(code)).toBe(name);
  });

  it('never guesses: a code no header names is errno_<n>', () => {
    expect(errnoName(520)).toBe('errno_520');
    expect(errnoName(4000)).toBe('errno_4000');
  });
});
