import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@syscall-counter/test-support';

// Every benchmark at a tiny size (seconds each), so none can rot between the runs of
// `npm run bench` (about 40 minutes). The numbers mean nothing at these sizes: what is
// checked is that each script runs to the end, prints its table and writes nothing.
const BENCH = join(ROOT, 'tools/bench');
// Flags a script does not know are ignored by it: --burst, --no-peers and --only are those
// of the reworked probe-cost (one storm per run, no peers, the floor and the default mode).
const QUERY = ['--hosts', '2', '--hours', '1', '--reps', '1'];
const SMOKE: Array<[script: string, args: string[], table: RegExp]> = [
  [
    'probe-cost.mjs',
    ['--reps', '1', '--calls', '20000', '--burst', '1', '--no-peers', '--only', 'default'],
    /^\| (?:mode \| )?configuration \|/m,
  ],
  ['agent-footprint.mjs', ['--seconds', '0.2', '--procs', '20'], /^\| agent \| extra live processes \|/m],
  ['ingest-load.mjs', ['--agents', '1,2', '--seconds', '1', '--syscalls', '5'], /^\| agents \| snapshots\/s \|/m],
  [
    'ingest-load.mjs',
    ['--agents', '3', '--seconds', '1', '--syscalls', '5', '--open', '--interval-ms', '100'],
    /^\| agents \| hellos ms \| offered\/s \| acked\/s \|/m,
  ],
  ['query-latency.mjs', QUERY, /^\| query \| 1 h of history \|$/m],
  // The PostgreSQL runs (a throw-away cluster each): two replicas for ingest, one for queries.
  [
    'ingest-load.mjs',
    ['--agents', '2', '--seconds', '1', '--syscalls', '5', '--engines', 'pg2'],
    /^\| agents \| snapshots\/s \|/m,
  ],
  ['query-latency.mjs', [...QUERY, '--engines', 'pg'], /^\| query \| 1 h of history \|$/m],
  ['query-latency.mjs', [...QUERY, '--processes', '2'], /^\| query \| 1 h of history \|$/m],
  ['query-latency.mjs', [...QUERY, '--cgroups', '2'], /^\| query \| 1 h of history \|$/m],
  [
    'metrics-scrape.mjs',
    ['--hosts', '3', '--agents', '1', '--seconds', '1', '--scrapes', '1'],
    /^\| format \| scrape p50 ms \|/m,
  ],
  ['summary-cost.mjs', ['--calls', '20000', '--reps', '1'], /^\| run \| wall s \| vs the command alone \|$/m],
  ['span-cost.mjs', ['--hosts', '2', '--days', '1', '--reps', '1'], /^\| window \| every-run span ms/m],
];

const benchmarksMd = () => readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');

describe('benchmark smoke runs (tools/bench at tiny sizes)', () => {
  it.each(SMOKE)('%s %j exits 0 and prints its table', (script, args, table) => {
    const before = benchmarksMd();
    const r = spawnSync(process.execPath, [join(BENCH, script), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120000,
    });
    expect({ status: r.status, signal: r.signal, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
    expect(r.stdout).toMatch(table);
    expect(r.stdout).toMatch(/^\|---.*\|\n\| .+ \|$/m); // a separator, then at least one row
    expect(benchmarksMd()).toBe(before);
  });

  it('covers every benchmark: each script run-all.sh runs, and each executable script in tools/bench', () => {
    const smoked = new Set(SMOKE.map(([script]) => script));
    const runAll = readFileSync(join(BENCH, 'run-all.sh'), 'utf8');
    const inRunAll = [...runAll.matchAll(/node tools\/bench\/(\S+\.mjs)/g)].map((m) => m[1]);
    const executables = readdirSync(BENCH).filter(
      (f) => f.endsWith('.mjs') && readFileSync(join(BENCH, f), 'utf8').startsWith('#!'),
    );
    expect(inRunAll.length).toBeGreaterThan(0);
    expect([...new Set([...inRunAll, ...executables])].filter((s) => !smoked.has(s))).toEqual([]);
  });

  it('the shell scripts parse (bash -n): run-all.sh, peers-setup.sh', () => {
    for (const script of ['run-all.sh', 'peers-setup.sh']) {
      expect(spawnSync('bash', ['-n', join(BENCH, script)], { encoding: 'utf8' })).toMatchObject({ status: 0 });
    }
  });
});
