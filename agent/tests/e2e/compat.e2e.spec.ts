import { parseCsv, runAgent, WORKLOAD } from '@syscall-counter/test-support';

// A 64-bit process making 32-bit calls (int $0x80) is what a 32-bit program looks like to the
// kernel: TS_COMPAT is set and eax holds an i386 number (20 = getpid; on x86_64, 20 is writev).
describe('syscall-counter-agent: 32-bit (ia32) calls on x86_64', () => {
  it('counts them apart, named from the i386 table, never as the x86_64 syscall with that number', () => {
    const r = runAgent(['-o', 'csv', '--', WORKLOAD, 'int80', '1234']);
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows).toContainEqual({ nr: '20', name: 'i386:getpid', count: 1234 });
    expect(rows.find((x) => x.name === 'writev')).toBeUndefined();
  });

  it('reports them in a section of their own in the table and in JSON', () => {
    const table = runAgent(['-T', '3', '--', WORKLOAD, 'int80', '500']).stdout;
    expect(table).toMatch(
      new RegExp(
        /\n32-bit \(i386\) syscalls:\nSYSCALL# \| NAME +\| +COUNT\n/.source +
          / +20 \| getpid +\| +500\nTotal 32-bit syscalls: 500\n$/.source,
      ),
    );
    const doc = JSON.parse(runAgent(['-o', 'json', '--', WORKLOAD, 'int80', '300']).stdout);
    expect(doc.compat).toEqual({ arch: 'i386', total: 300, syscalls: [{ nr: 20, name: 'getpid', count: 300 }] });
  });

  it('keeps them out of per-process counts but says how many there were', () => {
    const r = runAgent(['-P', '--', WORKLOAD, 'int80', '200']);
    expect(r.stdout).toMatch(/\n32-bit \(i386\) calls, counted apart and not per process: 200\n/);
  });
});
