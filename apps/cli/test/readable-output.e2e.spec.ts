import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ControlPlane, csvRows, startControlPlane } from '@syscall-counter/test-support';

// Tables a person reads (issue 13): they fit COLUMNS, show 12.3k and 3.4 ms, local time with its
// zone; CSV stays exact, UTC and whole whatever the terminal and zone.
describe('tables a person reads', () => {
  let cp: ControlPlane;
  const HOST = 'web-1.eu-west-3.compute.internal.example.com';
  const RUN = 'de523dc5-1a2b-4c3d-8e9f-a0b1c2d3e4f5';
  const LAT = '7c0ffee0-1a2b-4c3d-8e9f-a0b1c2d3e4f5';
  // Kolkata: a half-hour offset and no summer time, so the expected zone is always UTC+05:30.
  const env = { COLUMNS: '80', TZ: 'Asia/Kolkata' };
  const q = (args: string[], extra: Record<string, string> = env) =>
    cli([...args, '--server', cp.address, '--token-file', cp.tokenFile], { env: extra });

  beforeAll(async () => {
    cp = await startControlPlane();
    expect(cp.runAgent(HOST, RUN, ['getppid', '12345']).status).toBe(0);
    expect(cp.runAgent('db-1', LAT, ['getppid', '3000'], ['--latency']).status).toBe(0);
  });
  afterAll(() => cp.close());

  const widest = (text: string) =>
    Math.max(
      ...text
        .trimEnd()
        .split('\n')
        .map((l) => [...l].length),
    );

  it('runs fits 80 columns, ids cut in the middle; --wide shows them whole; CSV is unchanged', () => {
    const table = q(['runs']);
    expect(table.status).toBe(0);
    expect(widest(table.stdout)).toBeLessThanOrEqual(80);
    expect(table.stdout).toMatch(/^ RUN +\| HOST +\| STARTED UTC\+05:30 +\| TOTAL \| DONE\n/);
    expect(table.stdout).toMatch(/\n de523dc5\S*…\S+ +\| web-1\S*…\S*\.com +\|/);
    expect(table.stdout).toMatch(/\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \|/);
    const wide = q(['runs', '--wide', '--utc']).stdout;
    expect(wide).toContain(RUN);
    expect(wide).toContain(HOST);
    expect(wide).toMatch(/\| STARTED UTC +\|/);
    const csv = q(['runs', '-o', 'csv']).stdout;
    expect(csv).toBe(q(['runs', '-o', 'csv'], { COLUMNS: '20', TZ: 'America/New_York' }).stdout);
    expect(csvRows(csv).find((r) => r[0] === RUN)?.[5]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:[\d.]+Z$/);
  });

  it('hosts fits 60 columns', () => {
    const table = q(['hosts'], { ...env, COLUMNS: '60' });
    expect(table.status).toBe(0);
    expect(widest(table.stdout)).toBeLessThanOrEqual(60);
    expect(table.stdout).toMatch(/\n\(\d columns? left out to fit 60 columns: --wide shows all\)\n$/);
    expect(table.stdout).toMatch(/\n web-1\.\S*…\S* +\|/);
  });

  it('top shows 12.3k, --exact and CSV the exact count; the title names the grouping and every filter', () => {
    const table = q(['top', '--by', 'host', '--syscall', 'getppid', '--since', '24h']);
    expect(table.status).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Busiest hosts calling getppid, fleet-wide, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+05:30, \d{4}-\S+ \S+ – /,
    );
    expect(table.stdout).toMatch(/\n web-1\S+ +\| +12\.3k \|/);
    expect(table.stdout).toMatch(/\nTotal syscalls \(all 2 hosts\): 15\.3k\n/);
    expect(q(['top', '--run', RUN, '--exact']).stdout).toMatch(/\n +110 \| getppid +\| +12345 \|/);
    expect(csvRows(q(['top', '--run', RUN, '-o', 'csv']).stdout)[0]).toEqual(['110', 'getppid', '12345']);
    const one = q(['top', '--run', RUN, '--by', 'host']).stdout;
    expect(one).toMatch(/\nTotal syscalls \(the 1 host\): \S+\n$/);
  });

  it('latency shows durations in the unit that fits; --exact the µs of the CSV', () => {
    const table = q(['latency', '--run', LAT, '-n', '1', '--sort', 'count']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(
      /\n SYSCALL# \| NAME +\| COUNT \| TIMED \| +AVG \| +P50 \| +P99 \| +TOTAL \| UNRETURNED\n/,
    );
    expect(table.stdout).toMatch(/\n +110 \| getppid \| +300\d \| +300\d \|( +\d+(\.\d)? (ns|µs|ms|s) \|){4} +0\n/);
    const exact = q(['latency', '--run', LAT, '-n', '1', '--sort', 'count', '--exact']).stdout;
    expect(exact).toMatch(/\| AVG µs \| P50 µs \| P99 µs \| TOTAL ms \|/);
  });

  it('plot series names the zone of its time axis', () => {
    const out = join(cp.dir, 'rate.svg');
    expect(q(['plot', 'series', '--run', RUN, '--width', '320', '--height', '240', '--out', out]).status).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('time (UTC+05:30)');
  });
});
