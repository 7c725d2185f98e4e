import { runAgent, WORKLOAD } from '@syscall-counter/test-support';

interface ProcDoc {
  seconds: number;
  unattributed: { total: number; syscalls: Array<{ nr: number | null; name: string; count: number }> };
  processes: Array<{
    pid: number;
    comm: string;
    exited: boolean;
    total: number;
    syscalls: Array<{ nr: number | null; name: string; count: number }>;
  }>;
}

const countIn = (syscalls: ProcDoc['processes'][0]['syscalls'], name: string) =>
  syscalls.find((s) => s.name === name)?.count ?? 0;
const lastDoc = (stdout: string): ProcDoc => JSON.parse(stdout.trim().split('\n').pop()!);

describe('syscall-counter-agent -P: per-process counts (real BPF, real processes)', () => {
  it('reports two processes with known call counts exactly, each under its own pid', () => {
    const r = runAgent([
      '-P',
      '-o',
      'csv',
      '--',
      'sh',
      '-c',
      `${WORKLOAD} getppid 3000 & ${WORKLOAD} getppid 5000; wait`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [header, ...lines] = r.stdout.trim().split('\n');
    expect(header).toBe('pid,comm,syscall_nr,name,count');
    const getppid = lines.map((l) => l.split(',')).filter((c) => c[1] === 'workload' && c[3] === 'getppid');
    expect(getppid.map((c) => Number(c[4])).sort((a, b) => a - b)).toEqual([3000, 5000]);
    expect(new Set(getppid.map((c) => c[0])).size).toBe(2);
  });

  it('counts a forked child apart from its parent, and every count adds up to the total', () => {
    const doc = lastDoc(runAgent(['-P', '-o', 'json', '--', WORKLOAD, 'fork', '20000']).stdout);
    const workers = doc.processes.filter((p) => p.comm === 'workload');
    expect(workers).toHaveLength(2);
    expect(workers.map((p) => countIn(p.syscalls, 'getppid'))).toEqual([20000, 20000]);
    expect(workers.every((p) => p.exited)).toBe(true);
    for (const p of doc.processes) expect(p.total).toBe(p.syscalls.reduce((s, c) => s + c.count, 0));
    expect(doc.unattributed.total).toBe(0);
  });

  it('keeps exact totals when the per-process map is too small: the rest is unattributed, per syscall', () => {
    const N = 50000;
    const doc = lastDoc(
      runAgent(['-P', '--proc-entries', '4', '-o', 'json', '--', WORKLOAD, 'getppid', String(N)]).stdout,
    );
    expect(doc.unattributed.total).toBeGreaterThan(0);
    const attributed = doc.processes.reduce((s, p) => s + countIn(p.syscalls, 'getppid'), 0);
    expect(attributed + countIn(doc.unattributed.syscalls, 'getppid')).toBe(N);
    expect(doc.processes.reduce((s, p) => s + p.syscalls.length, 0)).toBeLessThanOrEqual(4);
  });

  it('drains exited processes so a small map serves a long run of short-lived ones', () => {
    // The shell, each workload and each sleep use ~30, ~20 and ~30 (process, syscall) entries:
    // about 225 for the whole run, but never more than ~130 alive or not yet drained at once.
    const script = `for i in 1 2 3 4; do ${WORKLOAD} getppid 1000; sleep 1.1; done`;
    const r = runAgent(['-P', '--proc-entries', '160', '-i', '1', '-o', 'json', '--', 'sh', '-c', script]);
    expect(r.status).toBe(0);
    const doc = lastDoc(r.stdout);
    expect(doc.unattributed.total).toBe(0);
    const workers = doc.processes.filter((p) => p.comm === 'workload');
    expect(workers).toHaveLength(4);
    expect(workers.map((p) => countIn(p.syscalls, 'getppid'))).toEqual([1000, 1000, 1000, 1000]);
  });

  it('prints PID | COMM | COUNT | BUSIEST SYSCALL, exited processes marked', () => {
    const r = runAgent(['-P', '-T', '3', '--', WORKLOAD, 'getppid', '7000']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        /^Syscall counts by process for command: .*workload getppid 7000 /.source +
          /over \d+\.\d\d s \(\d+ of 65536 map entries in use\):$/.source,
      ),
    );
    expect(lines[1]).toMatch(/^ +PID \| COMM +\| +COUNT \| BUSIEST SYSCALL$/);
    expect(lines[2]).toMatch(/^ +\d+ \| workload \(exited\) +\| +70\d\d \| getppid$/);
    expect(lines[lines.length - 1]).toMatch(/^Total syscalls \(the 1 process\): 70\d\d$/);
  });

  it.each([
    [['-P', '--map', 'hash'], /-P counts in maps of its own: drop --map/],
    [['--process-top', '5'], /--process-top goes with -P and --server/],
    [['--proc-entries', '10'], /--proc-entries goes with -P/],
    [['-P', '--proc-entries', '0'], /invalid proc-entries '0'/],
  ])('rejects %j', (args, message) => {
    const r = runAgent(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
