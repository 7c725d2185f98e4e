import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvRows, cli, WORKLOAD } from '@syscall-counter/test-support';

describe('latency and errors: the agent run once on this host (real BPF at sys_enter and sys_exit)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-views-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('latency times every call of a workload: the histogram holds exactly the calls made', () => {
    const csv = cli(['latency', '--format', 'csv', '--', WORKLOAD, 'getppid', '3000']);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('syscall_nr,name,count,timed,avg_us,p50_us,p99_us,total_ms,unreturned');
    const row = csvRows(csv.stdout).find((r) => r[1] === 'getppid')!;
    expect(row.slice(0, 4)).toEqual(['110', 'getppid', '3000', '3000']);
    expect(row[8]).toBe('0');
    const doc = JSON.parse(cli(['latency', '--format', 'json', '--', WORKLOAD, 'getppid', '500']).stdout);
    const getppid = doc.syscalls.find((s: { name: string }) => s.name === 'getppid');
    expect(getppid.latency.hist.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(500);
    // exit_group never returns: counted, not timed.
    expect(doc.syscalls.find((s: { name: string }) => s.name === 'exit_group').latency).toMatchObject({
      timed: 0,
      unreturned: 1,
    });
  });

  it('latency --plot draws the histogram of one syscall', () => {
    const base = join(dir, 'lat');
    const r = cli([
      'latency',
      '--plot',
      base,
      '--plot-syscall',
      'getppid',
      '-n',
      '3',
      '--',
      WORKLOAD,
      'getppid',
      '1000',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\n +110 \| getppid +\| +1000 \| +1000 \|/);
    expect(r.stdout).toContain(`wrote ${base}.svg (900x500)\nwrote ${base}.png (900x500)\n`);
    expect(readFileSync(`${base}.svg`, 'utf8')).toMatch(
      /getppid: 1000 calls, avg [\d.]+ (ns|µs|ms), p50 ≈ [\d.]+ (ns|µs|ms), p99 ≈ [\d.]+ (ns|µs|ms)/,
    );
    expect(readFileSync(`${base}.png`).subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('errors counts exactly the failing calls of a workload that fails K of N, with their errno', () => {
    const r = cli(['errors', '--format', 'csv', '--', WORKLOAD, 'close', '100', '30']);
    expect(r.status).toBe(0);
    const close = csvRows(r.stdout).find((row) => row[1] === 'close')!;
    expect([close[3], close[5]]).toEqual(['30', 'EBADF:30']);
    const table = cli(['errors', '--', WORKLOAD, 'close', '100', '30']).stdout;
    expect(table).toMatch(/\n +3 \| close +\| +\d+ \| +30 \| +[\d.]+ \| EBADF:30\n/);
    expect(table).toMatch(/\nFailed calls: \d+ of \d+ \([\d.]+%\)\n$/);
  });

  it('a command that fails still gives its report, and says how it exited', () => {
    const r = cli(['errors', '--', 'ls', '/nonexistent-sc-test']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ENOENT/);
    expect(r.stderr).toBe('syscall-counter: the command exited with status 2\n');
  });

  it.each([
    [['latency', '--plot', 'x.jpg', '--', 'true'], /cannot write a plot as '\.jpg'/],
    [['latency', '--plot-syscall', 'read', '--', 'true'], /--plot-syscall goes with --plot/],
    [['latency', '--sort', 'median', '--', 'true'], /argument 'median' is invalid/],
    [['errors', '--format', 'xml', '--', 'true'], /argument 'xml' is invalid/],
    [['errors', '--syscall', 'nosuchcall', '--', 'true'], /nosuchcall/],
  ])('%j fails with a clear message and exit status 2', (args, message) => {
    const r = cli(args as string[]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });
});
