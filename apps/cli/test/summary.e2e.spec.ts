import { cli, csvRows, WORKLOAD } from '@syscall-counter/test-support';

// strace -c -f's table from one agent run with --errors and --latency (issue 13).
describe('summary: time, calls and errors per syscall (real BPF)', () => {
  it('CSV: calls and errors exact, time summed over the calls that returned', () => {
    // The shell makes getppid calls of its own (for $PPID): measure them first.
    const shell = csvRows(cli(['summary', '--format', 'csv', '--', 'sh', '-c', 'true']).stdout);
    const shellOwn = Number(shell.find((c) => c[1] === 'getppid')?.[2] ?? 0);
    const r = cli(['summary', '--format', 'csv', '--', 'sh', '-c', `${WORKLOAD} getppid 3000; ${WORKLOAD} raw 999 7`]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('syscall_nr,name,calls,errors,total_ns,timed,pct_time');
    const rows = csvRows(r.stdout);
    const getppid = rows.find((c) => c[1] === 'getppid')!;
    expect(getppid.slice(2, 4)).toEqual([String(3000 + shellOwn), '0']);
    expect(getppid[5]).toBe(String(3000 + shellOwn));
    expect(Number(getppid[4])).toBeGreaterThan(0);
    // An unknown syscall number fails with ENOSYS every time.
    expect(rows.find((c) => c[0] === '999')!.slice(2, 4)).toEqual(['7', '7']);
    expect(rows.find((c) => c[1] === 'execve')!.slice(2, 4)).toEqual(['3', '0']);
    const pct = rows.reduce((s, c) => s + Number(c[6]), 0);
    expect(Math.abs(pct - 100)).toBeLessThan(0.5);
  });

  it("the table: strace -c's columns, sorted by time, with a total line", () => {
    const r = cli(['summary', '--', WORKLOAD, 'getppid', '2000']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Syscall summary, '.*workload getppid 2000'$/);
    expect(lines[1]).toMatch(/^ % TIME \| +SECONDS \| USECS\/CALL \| +CALLS \| +ERRORS \| SYSCALL$/);
    expect(lines.find((l) => l.endsWith('| getppid'))).toMatch(
      /^ +\d+\.\d\d \| +\d+\.\d{6} \| +\d+ \| +2000 \| +\| getppid$/,
    );
    expect(lines[lines.length - 1]).toMatch(/^ 100\.00 \| +\d+\.\d{6} \| +\d+ \| +\d+ \| +\d* \| total$/);
  });
});
