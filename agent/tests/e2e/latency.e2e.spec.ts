import { runAgent, WORKLOAD } from '@syscall-counter/test-support';

interface Lat {
  timed: number;
  total_ns: number;
  avg_ns: number;
  p50_ns: number;
  p99_ns: number;
  unreturned: number;
  hist: Array<{ from_ns: number; to_ns: number; count: number }>;
}
interface Doc {
  syscalls: Array<{ nr: number; name: string; count: number; latency: Lat }>;
}

const run = (args: string[]): Doc => {
  const r = runAgent(['--latency', '-o', 'json', '--', ...args]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Doc;
};
const of = (doc: Doc, name: string) => doc.syscalls.find((s) => s.name === name)!;

describe('syscall-counter-agent --latency (real BPF, enter to exit of the same thread)', () => {
  it('times every call: the histogram of N getppid calls holds exactly N', () => {
    const g = of(run([WORKLOAD, 'getppid', '20000']), 'getppid');
    expect(g.count).toBe(20000);
    expect(g.latency.timed).toBe(20000);
    expect(g.latency.hist.reduce((s, b) => s + b.count, 0)).toBe(20000);
    expect(g.latency.unreturned).toBe(0);
    // Buckets are powers of two and the average lies inside the range they cover.
    for (const b of g.latency.hist) expect(b.to_ns).toBe(b.from_ns === 0 ? 2 : 2 * b.from_ns);
    expect(g.latency.avg_ns).toBeGreaterThanOrEqual(g.latency.hist[0].from_ns);
    expect(g.latency.avg_ns).toBeLessThanOrEqual(g.latency.hist[g.latency.hist.length - 1].to_ns);
  });

  it('counts calls that never return (exit_group) as unreturned, not as timed', () => {
    const e = of(run([WORKLOAD, 'getppid', '1']), 'exit_group');
    expect(e.count).toBe(1);
    expect(e.latency).toMatchObject({ timed: 0, unreturned: 1, hist: [] });
  });

  it('measures a 200 ms sleep as about 200 ms (log2 buckets: p50 within a factor of 1.5)', () => {
    const s = of(run(['sleep', '0.2']), 'clock_nanosleep');
    expect(s.latency.timed).toBe(1);
    expect(s.latency.avg_ns).toBeGreaterThan(195e6);
    expect(s.latency.avg_ns).toBeLessThan(400e6);
    expect(s.latency.p50_ns).toBeGreaterThan(200e6 / 1.5);
    expect(s.latency.p50_ns).toBeLessThan(200e6 * 1.5 * 1.5);
  });

  it('prints AVG, P50 and P99 in microseconds in the table', () => {
    const lines = runAgent(['--latency', '-T', '1', '--', WORKLOAD, 'getppid', '5000']).stdout.split('\n');
    expect(lines[1]).toMatch(/^SYSCALL# \| NAME +\| +COUNT \| +AVG µs \| +P50 µs \| +P99 µs$/);
    expect(lines[2]).toMatch(/^ +110 \| getppid +\| +5000 \| +\d+\.\d\d \| +\d+\.\d\d \| +\d+\.\d\d$/);
  });

  it.each([[['--latency', '-i', '1']], [['--latency', '-P']]])('rejects %j', (args) => {
    const r = runAgent(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--latency reports once, at the end \(or streams with --server\): drop -i, -P and -x\/-e/);
  });
});
