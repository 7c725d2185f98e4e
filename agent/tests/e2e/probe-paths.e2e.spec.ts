import { countOf, csvRows, parseCsv, runAgent, WORKLOAD } from '@syscall-counter/test-support';

interface Doc {
  syscalls: Array<{ nr: number; name: string; count: number; latency?: { timed: number; unreturned: number } }>;
  compat?: { total: number; syscalls: Array<{ nr: number; name: string; count: number }> };
}

const json = (args: string[]): Doc => {
  const r = runAgent([...args.slice(0, args.indexOf('--')), '-o', 'json', ...args.slice(args.indexOf('--'))]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Doc;
};
const of = (doc: Doc, name: string) => doc.syscalls.find((s) => s.name === name);

// The probe's fast paths: entry stamps in task-local storage (--latency), filters that read the
// task's own fields, the 32-bit check. Each keeps exact counts across threads, forks and
// 32-bit calls.
describe('syscall-counter-agent probe paths (real BPF): threads, forks and 32-bit calls stay exact', () => {
  it('--latency times every call of 4 threads exactly once (one stamp per thread)', () => {
    const g = of(json(['--latency', '--', WORKLOAD, 'threads', '4', '5000']), 'getppid')!;
    expect(g.count).toBe(20000);
    expect(g.latency).toMatchObject({ timed: 20000, unreturned: 0 });
  });

  it('--latency times the calls of a forked child and its parent, each on its own', () => {
    const g = of(json(['--latency', '--', WORKLOAD, 'fork', '3000']), 'getppid')!;
    expect(g.count).toBe(6000);
    expect(g.latency).toMatchObject({ timed: 6000, unreturned: 0 });
  });

  it('--latency counts 32-bit calls apart and does not time them under an x86_64 number', () => {
    const doc = json(['--latency', '--', WORKLOAD, 'int80', '300']);
    expect(doc.compat?.syscalls).toEqual([{ nr: 20, name: 'getpid', count: 300 }]);
    expect(of(doc, 'writev')).toBeUndefined();
    // Every native call is timed or, for exit_group, unreturned: none more, none less.
    for (const s of doc.syscalls) expect(s.latency!.timed + s.latency!.unreturned).toBe(s.count);
    expect(of(doc, 'exit_group')?.latency).toMatchObject({ timed: 0, unreturned: 1 });
  });

  it('--comm reads the name of every thread and forked child', () => {
    const args = ['--comm', 'workload', '-o', 'csv', '--', 'sh', '-c'];
    const rows = parseCsv(runAgent([...args, `${WORKLOAD} threads 3 2000; ${WORKLOAD} fork 1000`]).stdout);
    expect(countOf(rows, 'getppid')).toBe(8000);
  });

  it('--comm keeps or drops 32-bit calls like the others', () => {
    expect(json(['--comm', 'workload', '--', WORKLOAD, 'int80', '250']).compat?.total).toBe(250);
    expect(json(['--comm', 'nomatch', '--', WORKLOAD, 'int80', '250']).compat?.total ?? 0).toBe(0);
  });

  // -P and -C count in per-CPU hashes: a process's threads on both CPUs add up exactly.
  it('-P: 4 threads of one process on every CPU add up to their calls exactly', () => {
    const r = runAgent(['-P', '-o', 'csv', '--', WORKLOAD, 'threads', '4', '5000']);
    expect(r.status).toBe(0);
    const getppid = csvRows(r.stdout).filter((c) => c[1] === 'workload' && c[3] === 'getppid');
    expect(getppid.map((c) => Number(c[4]))).toEqual([20000]);
  });

  // Through the per-CPU key cache by default, through the hash alone with --proc-entries.
  it.each([[[]], [['--proc-entries', '1000']]])(
    '-P %j: a parent and its forked child (exited when read) count their own calls exactly',
    (extra: string[]) => {
      const r = runAgent(['-P', ...extra, '-o', 'csv', '--', WORKLOAD, 'fork', '3000']);
      expect(r.status).toBe(0);
      const getppid = csvRows(r.stdout).filter((c) => c[1] === 'workload' && c[3] === 'getppid');
      expect(new Set(getppid.map((c) => c[0])).size).toBe(2);
      expect(getppid.map((c) => Number(c[4]))).toEqual([3000, 3000]);
    },
  );

  it('-C: 4 threads, and a parent and its forked child, add up to their calls exactly', () => {
    const getppid = (workload: string[]) => {
      const r = runAgent(['-C', '-o', 'csv', '--', WORKLOAD, ...workload]);
      expect(r.status).toBe(0);
      return csvRows(r.stdout)
        .filter((c) => c[4] === 'getppid')
        .reduce((s, c) => s + Number(c[5]), 0);
    };
    expect(getppid(['threads', '4', '5000'])).toBe(20000);
    expect(getppid(['fork', '3000'])).toBe(6000);
  });

  it('--syscall keeps or drops a 32-bit call by its i386 number', () => {
    expect(json(['--syscall', 'getppid', '--', WORKLOAD, 'int80', '40']).compat?.total ?? 0).toBe(0);
    expect(json(['--syscall', '20', '--', WORKLOAD, 'int80', '40']).compat?.total).toBe(40);
  });
});
