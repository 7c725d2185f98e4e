import { parseCsv, runAgent, WORKLOAD } from '@syscall-counter/test-support';

// The workload makes N close calls of which K fail with EBADF (close(-1)); the rest close dup'ed fds.
const N = 1000;
const K = 300;

interface JsonDoc {
  syscalls: Array<{
    nr: number | null;
    name: string;
    count: number;
    failed: number;
    errnos: Array<{ errno: number; name: string; count: number }>;
  }>;
}

describe('syscall-counter-agent failed calls (real BPF at sys_exit)', () => {
  it('--errors shows, per syscall, exactly how many calls failed and with which errno', () => {
    const r = runAgent(['--errors', '-o', 'json', '--', WORKLOAD, 'close', String(N), String(K)]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    const close = doc.syscalls.find((s) => s.name === 'close')!;
    expect(close.failed).toBe(K);
    expect(close.errnos).toEqual([{ errno: 9, name: 'EBADF', count: K }]);
    expect(close.count).toBeGreaterThanOrEqual(N);
    expect(doc.syscalls.find((s) => s.name === 'dup')).toMatchObject({ count: N - K, failed: 0, errnos: [] });
  });

  it(
    'system-wide, the errnos of every syscall add up to at most its failed calls, ' + 'and those to at most its count',
    () => {
      // The agent's own bpf() calls fail (ENOENT ends each map walk) while it reads: read order matters.
      // It leaves itself out by default: --include-self counts them.
      const doc = JSON.parse(runAgent(['--errors', '--include-self', '-o', 'json', '-d', '1']).stdout) as JsonDoc;
      expect(doc.syscalls.find((s) => s.name === 'bpf')?.failed).toBeGreaterThan(0);
      for (const s of doc.syscalls) {
        const errnos = (s.errnos ?? []).reduce((sum, e) => sum + e.count, 0);
        expect({ name: s.name, ok: errnos <= (s.failed ?? 0) && (s.failed ?? 0) <= s.count }).toEqual({
          name: s.name,
          ok: true,
        });
      }
    },
  );

  it('--errors in the table and CSV', () => {
    const table = runAgent(['--errors', '-T', '1', '--', WORKLOAD, 'close', String(N), String(K)]).stdout.split('\n');
    expect(table[1]).toMatch(/^SYSCALL# \| NAME +\| +COUNT \| +FAILED \| ERRNOS$/);
    expect(table[2]).toMatch(/^ +3 \| close +\| +\d+ \| +300 \| EBADF 300$/);
    const csv = runAgent(['--errors', '-o', 'csv', '--', WORKLOAD, 'close', String(N), String(K)])
      .stdout.trim()
      .split('\n');
    expect(csv[0]).toBe('syscall_nr,name,count,failed,errnos');
    expect(csv.find((l) => l.startsWith('3,close,'))).toMatch(/^3,close,\d+,300,EBADF:300$/);
  });

  it('-x counts only the calls that fail: exactly K', () => {
    const rows = parseCsv(runAgent(['-x', '-o', 'csv', '--', WORKLOAD, 'close', String(N), String(K)]).stdout);
    expect(rows.find((x) => x.name === 'close')?.count).toBe(K);
    expect(rows.find((x) => x.name === 'dup')).toBeUndefined();
  });

  it('-e picks one errno: EBADF gives the K closes only, ENOENT none of them', () => {
    const ebadf = parseCsv(
      runAgent(['-e', 'EBADF', '-o', 'csv', '--', WORKLOAD, 'close', String(N), String(K)]).stdout,
    );
    expect(ebadf).toEqual([{ nr: '3', name: 'close', count: K }]);
    const enoent = parseCsv(runAgent(['-e', '2', '-o', 'csv', '--', WORKLOAD, 'close', String(N), String(K)]).stdout);
    expect(enoent.find((x) => x.name === 'close')).toBeUndefined();
  });

  it.each([
    [['-e', 'ENOTANERRNO'], /unknown errno 'ENOTANERRNO'/],
    [['-x', '--map', 'hash'], /-x\/-e count in the default map only/],
    [['--errors', '-i', '1'], /--errors reports once, at the end: drop -i/],
    [['-x', '-P'], /do not combine with -P yet/],
    [['--errors', '-C'], /-C counts in maps of its own/],
  ])('rejects %j', (args, message) => {
    const r = runAgent(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
