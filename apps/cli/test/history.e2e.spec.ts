import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRows, cli, startControlPlane, ControlPlane, WORKLOAD } from '@syscall-counter/test-support';

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('diff, export, plot and watch against a real control plane with real agent runs', () => {
  let cp: ControlPlane;
  const q = (args: string[]) => cli([...args, ...cp.conn]);

  beforeAll(async () => {
    cp = await startControlPlane();
    // The same workload before and after a "deploy" that makes 3000 more getppid calls, and a run that swaps
    // getppid (110) for getpid (39).
    expect(cp.runAgent('h-before', 'run-base', ['getppid', '5000']).status).toBe(0);
    expect(cp.runAgent('h-after', 'run-deploy', ['raw', '110', '8000']).status).toBe(0);
    expect(cp.runAgent('h-other', 'run-getpid', ['raw', '39', '2500']).status).toBe(0);
  });

  afterAll(() => cp.close());

  it('diff of two runs shows the extra calls as +N, biggest change first, with a summary', () => {
    const table = q(['diff', 'run-base', 'run-deploy']);
    expect(table.status).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^A: run run-base \(\d+\.\d s, \d+ calls\)$/);
    expect(lines[1]).toMatch(/^B: run run-deploy \(\d+\.\d s, \d+ calls\)$/);
    expect(lines[2]).toMatch(
      /SYSCALL# \| NAME +\| A COUNT \| B COUNT \| Δ COUNT \| A RATE\/s \| B RATE\/s \| Δ RATE\/s \| +Δ%/,
    );
    expect(lines[3]).toMatch(/^ +110 \| getppid +\| +5000 \| +8000 \| +\+3000 \|/);
    // New/vanished counts depend on the rare calls each run happened to make (a cold first exec): not asserted here.
    expect(lines[lines.length - 1]).toMatch(
      /^B vs A: total .*; \d+ new, \d+ vanished; biggest change: getppid \+[\d.]+\/s \([+-][\d.]+%, \+3000 calls\)$/,
    );

    const csv = csvRows(q(['diff', 'run-base', 'run-deploy', '--format', 'csv']).stdout);
    const getppid = csv.find((r) => r[0] === '110')!;
    expect(getppid.slice(0, 5)).toEqual(['110', 'getppid', '5000', '8000', '3000']);
  });

  it('diff marks new and vanished syscalls', () => {
    const doc = JSON.parse(q(['diff', 'run-base', 'run-getpid', '--format', 'json']).stdout);
    const by = (nr: number) => doc.syscalls.find((s: { nr: number }) => s.nr === nr);
    expect(by(39)).toMatchObject({
      name: 'getpid',
      countA: '0',
      countB: '2500',
      deltaCount: '2500',
      status: 'new',
      relative: null,
    });
    expect(by(110)).toMatchObject({
      name: 'getppid',
      countA: '5000',
      countB: '0',
      deltaCount: '-5000',
      status: 'gone',
    });
    const counted = (status: string) =>
      doc.syscalls.filter((x: { status: string | null }) => x.status === status).length;
    expect(doc.summary).toMatch(new RegExp(`${counted('new')} new, ${counted('gone')} vanished`));
    expect(counted('new')).toBeGreaterThanOrEqual(1);
    expect(counted('gone')).toBeGreaterThanOrEqual(1);
  });

  it('diff compares two windows of different hosts', () => {
    const csv = csvRows(q(['diff', 'h-before@1h', 'h-after@1h', '--format', 'csv']).stdout);
    expect(csv.find((r) => r[0] === '110')!.slice(2, 5)).toEqual(['5000', '8000', '3000']);
  });

  it('export writes exact CSV and JSON to stdout or a file', () => {
    const out = join(cp.dir, 'top.csv');
    const r = q(['export', 'top', '--run', 'run-deploy', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^wrote .*top\.csv \(\d+ bytes\)\n$/);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('syscall_nr,name,count');
    expect(text.split('\n')[1]).toBe('110,getppid,8000');
    expect(text).toBe(q(['top', '--run', 'run-deploy', '--format', 'csv']).stdout);

    const json = JSON.parse(q(['export', 'top', '--run', 'run-deploy', '--format', 'json']).stdout);
    expect(json.syscalls[0]).toEqual({ nr: 110, name: 'getppid', count: '8000' });

    const hosts = csvRows(q(['export', 'hosts']).stdout).map((r) => r[0]);
    expect(hosts).toEqual(['h-after', 'h-before', 'h-other']);
  });

  it('export series buckets add up to the run totals', () => {
    const rows = csvRows(q(['export', 'series', '--run', 'run-deploy', '--bucket', '1s']).stdout);
    const sum = (name: string) => rows.filter((r) => r[3] === name).reduce((s, r) => s + BigInt(r[4]), 0n);
    expect(sum('getppid')).toBe(8000n);
    const runs = JSON.parse(q(['runs', '--host', 'h-after', '--format', 'json']).stdout);
    expect(sum('all')).toBe(BigInt(runs[0].total));
    expect(rows.every((r) => r[1] === '1')).toBe(true);
  });

  it('plot writes an SVG and a PNG of the requested size', () => {
    const base = join(cp.dir, 'bar');
    const r = q(['plot', 'bar', '--run', 'run-deploy', '--out', base]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wrote ${base}.svg (900x500)\nwrote ${base}.png (900x500)\n`);
    const svg = readFileSync(`${base}.svg`, 'utf8');
    expect(svg).toMatch(/^<svg width="900" height="500" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('getppid');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(pngSize(`${base}.png`)).toEqual({ width: 900, height: 500 });

    const series = join(cp.dir, 'series.png');
    expect(
      q(['plot', 'series', '--host', 'h-after', '--width', '640', '--height', '360', '--out', series]).status,
    ).toBe(0);
    expect(pngSize(series)).toEqual({ width: 640, height: 360 });
  });

  it('top --watch refreshes every interval (plain frames when stdout is not a terminal)', () => {
    const r = q(['top', '-w', '--frames', '2', '--refresh', '1', '--window', '24h', '-n', '1', '--exact']);
    expect(r.status).toBe(0);
    const frames = r.stdout.trim().split('\n\n');
    expect(frames).toHaveLength(2);
    for (const f of frames) {
      expect(f).toMatch(
        new RegExp(
          /^Busiest syscalls, fleet-wide, last 86400 s, /.source +
            /at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\S* \(every 1 s; Ctrl-C quits\)\n/.source,
        ),
      );
      expect(f).toMatch(/\n +110 \| getppid \| +13000 \|/);
    }
  });

  it.each([
    [['diff', 'run-base', 'nope'], 1, /^syscall-counter: unknown run 'nope'\n$/],
    [['diff', 'h-before@soon', 'run-base'], 2, /cannot read 'soon' as a time/],
    [['diff', 'h-before@1h..2h', 'run-base'], 2, /the window 'h-before@1h\.\.2h' ends before it starts/],
    [
      ['diff', '@2001-01-01..2001-01-02', 'run-base'],
      1,
      /no data for fleet 2001-01-01T00:00:00Z\.\.2001-01-02T00:00:00Z/,
    ],
    [['diff', 'run-base'], 2, /missing required argument 'B'/],
    [['plot', 'bar', '--out', 'x.jpg'], 2, /cannot write a plot as '\.jpg'/],
    [['plot', 'bar'], 2, /required option '--out <file>' not specified/],
    [['export', 'top', '--format', 'table'], 2, /argument 'table' is invalid/],
    [['export', 'series', '--bucket', '10ms'], 2, /cannot read '10ms' as --bucket/],
    [['top', '-w', '--window', 'forever'], 2, /cannot read 'forever' as --window/],
  ])('%j fails with a clear message', (args, status, message) => {
    const r = q(args as string[]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(status);
    expect(r.stdout).toBe('');
  });

  it('commands that need a control plane say so without one', () => {
    const r = cli(['export', 'hosts']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no control plane: pass --server HOST:PORT/);
  });
});

describe('top --by process against a run streamed in per-process mode', () => {
  let cp: ControlPlane;
  const q = (args: string[]) => cli([...args, ...cp.conn]);

  beforeAll(async () => {
    cp = await startControlPlane();
    const script = `${WORKLOAD} getppid 1500 & ${WORKLOAD} getppid 2500; wait`;
    expect(cp.runAgent('h-procs', 'run-procs', ['sh', '-c', script], ['-P']).status).toBe(0);
  });

  afterAll(() => cp.close());

  it('top --by process --syscall drills down to the processes making a syscall, exactly', () => {
    const csv = q(['top', '--run', 'run-procs', '--by', 'process', '--syscall', 'getppid', '--format', 'csv']);
    expect(csv.status).toBe(0);
    const rows = csvRows(csv.stdout).filter((r) => r[1] === 'workload');
    expect(rows.map((r) => r[2]).sort()).toEqual(['1500', '2500']);
    const table = q(['top', '--run', 'run-procs', '--by', 'process', '-n', '2']).stdout;
    expect(table).toMatch(/\n +PID \| COMM +\| COUNT \| +RATE\/s \| +%\n +\d+ \| workload \| +25\d\d \|/);
    expect(q(['top', '--by', 'process', '--syscall', 'nosuchcall']).stderr).toMatch(
      /unknown syscall 'nosuchcall' for x86_64/,
    );
  });
});
