import { freePort } from './ports';
import { spawnCollecting, waitForOutput } from './processes';

describe('processes and ports', () => {
  it('waitForOutput resolves on a marker split across writes, and the result has all the output', async () => {
    const p = spawnCollecting('sh', ['-c', 'printf "Tracing sys" >&2; sleep 0.1; echo "calls" >&2; echo out']);
    await waitForOutput(p.proc, 'stderr', 'Tracing syscalls', 'sh');
    expect(await p.done).toEqual({ status: 0, stdout: 'out\n', stderr: 'Tracing syscalls\n' });
  });

  it('waitForOutput rejects with the output when the process exits before the marker', async () => {
    const p = spawnCollecting('sh', ['-c', 'echo "bad flag" >&2; exit 64']);
    await expect(waitForOutput(p.proc, 'stderr', 'Tracing syscalls', 'the agent')).rejects.toThrow(
      'the agent exited (64) before printing Tracing syscalls: bad flag\n',
    );
  });

  it('freePort gives a loopback port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1023);
    expect(port).toBeLessThan(65536);
  });
});
