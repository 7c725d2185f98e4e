import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@syscall-counter/test-support';

// The closed-loop table's knee and peak (tools/bench/ingest-report.mjs, an ES module: run in a
// child node, as the benchmarks run it).
function report(levels: Array<[agents: number, snapsPerSec: number, p99: number]>): string {
  const results = levels.map(([agents, snapsPerSec, p99]) => ({
    engine: 'E',
    agents,
    snapsPerSec,
    p50: p99 / 2,
    p99,
    cpu: 100,
    serverCpu: 0,
    genCpu: 20,
    rss: 100,
    bytesPerSnap: 1000,
    load: 1,
  }));
  const script =
    `import { closedLoopBody } from ${JSON.stringify(join(ROOT, 'tools/bench/ingest-report.mjs'))};` +
    `process.stdout.write(closedLoopBody(${JSON.stringify(results)}, { nsys: 60, seconds: 8, cpus: 2 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}

const summary = (out: string) => out.split('\n').filter((l) => /^\| E \| (knee|peak)/.test(l));

describe('closed-loop ingest report', () => {
  it('names the knee (fewest agents within 90% of the peak) apart from the peak', () => {
    const out = report([
      [1, 600, 2],
      [8, 1200, 20],
      [32, 2400, 27],
      [64, 3100, 38],
      [128, 3400, 70],
    ]);
    // 3,100 >= 0.9 x 3,400 = 3,060: 64 agents is the knee; 2,400 is not.
    expect(summary(out)).toEqual([
      '| E | knee | **3100** | 64 | 19.00 | 38.00 | 8.2 |',
      '| E | peak | **3400** | 128 | 35.00 | 70.00 | 8.2 |',
    ]);
  });

  it('gives one row when the peak is the first level within 90% of itself', () => {
    const out = report([
      [8, 3000, 8],
      [32, 3700, 17],
      [128, 3500, 60],
    ]);
    expect(summary(out)).toEqual(['| E | knee and peak | **3700** | 32 | 8.50 | 17.00 | 8.2 |']);
  });
});
