import { runAgent, WORKLOAD } from '@syscall-counter/test-support';

describe("the agent's own cost: kernel BPF run-time statistics", () => {
  it('--verbose prints each loaded program with its runs and ns per run', () => {
    const N = 20000;
    const r = runAgent(['-v', '--', WORKLOAD, 'getppid', String(N)]);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    const line = r.stderr.split('\n').find((l) => l.includes('health: BPF programs: ')) ?? '';
    const m = /\bcount_percpu (\d+) runs (\d+) ns\/run/.exec(line);
    expect(m).not.toBeNull();
    // It runs on every syscall of the host while attached: at least the workload's N.
    expect(Number(m![1])).toBeGreaterThanOrEqual(N);
    expect(Number(m![2])).toBeGreaterThan(0);
    // Only the programs this mode loaded: no latency or per-process program.
    expect(line).not.toMatch(/lat_enter|count_per_process/);
  });
});
