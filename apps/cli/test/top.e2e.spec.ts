import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, spawnCli, WORKLOAD } from '@syscall-counter/test-support';

describe('syscall-counter top (embedded control plane + real agent)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sc-top-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('shows a known workload at the top of the table and stores it in ./data', async () => {
    let done = false;
    const run = spawnCli(['top', '-d', '2', '-n', '5', '--exact'], { cwd }).done.finally(() => (done = true));
    // Keep a getppid storm going for the whole collection, however long start-up takes.
    while (!done) {
      spawnSync(WORKLOAD, ['getppid', '200000']);
      await new Promise((r) => setImmediate(r));
    }
    const r = await run;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const host = hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(lines[0]).toMatch(
      new RegExp(
        `^Busiest syscalls on ${host} over 2\\.\\d s \\(run [0-9a-f]{8}, stored in data/syscall-counter\\.db\\)$`,
      ),
    );
    expect(existsSync(join(cwd, 'data/syscall-counter.db'))).toBe(true);
    expect(lines[1]).toMatch(/SYSCALL# \| NAME +\| +COUNT \| +RATE\/s \| +%/);
    const first = lines[2].split('|').map((c) => c.trim());
    expect(first[0]).toBe('110');
    expect(first[1]).toBe('getppid');
    expect(BigInt(first[2])).toBeGreaterThanOrEqual(200000n);
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
