import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, '../dist/main.js');
const WORKLOAD = join(__dirname, '../../../agent/.output/workload');

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', timeout: 60000 });
}

describe('syscall-counter top (real agent)', () => {
  it('shows a known workload at the top of the table', async () => {
    const run = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn('node', [CLI, 'top', '-d', '2', '-n', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    // Give the agent a moment to attach, then make 2 million getppid calls.
    await new Promise((r) => setTimeout(r, 700));
    spawnSync(WORKLOAD, ['getppid', '2000000']);
    const r = await run;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Busiest syscalls on this host over 2\.\d s \(local agent\)$/);
    expect(lines[1]).toMatch(/SYSCALL# \| NAME +\| +COUNT \| +RATE\/s \| +%/);
    const first = lines[2].split('|').map((c) => c.trim());
    expect(first[0]).toBe('110');
    expect(first[1]).toBe('getppid');
    expect(BigInt(first[2])).toBeGreaterThanOrEqual(2000000n);
    expect(lines).toHaveLength(2 + 5 + 2);
    expect(lines[7]).toMatch(/^Total syscalls \(top 5\): \d+$/);
  });

  it.each([
    [['top', '-n', 'x'], 2, /argument 'x' is invalid/],
    [['top', '--arch', 'mips'], 2, /unknown architecture 'mips'/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
  ])('rejects %j with a clear error', (args, status, message) => {
    const r = cli(args as string[]);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});
