import { freePort, getppidCount, sleep, spawnAgent, WORKLOAD } from '@syscall-counter/test-support';
import { agentArgs, assertNoDuplicates, controlPlanes, countOf, N, topOf } from './agent-pipeline';

// The control plane away (killed, not yet up, away longer than the buffer holds): nothing lost.
// A long --stop-grace: the final snapshot may meet the agent in a reconnect backoff (up to 6 s).
const GRACE = ['--stop-grace', '30'];

describe('agent -> control plane outages (all real)', () => {
  const newCp = controlPlanes();

  it(
    'control plane SIGKILLed mid-run and restarted: ' + 'stored totals equal the agent’s own, no (run, seq) twice',
    async () => {
      const cp = newCp();
      const port = await freePort();
      await cp.start(port);
      const { proc, done } = spawnAgent(
        agentArgs(cp, [
          ...GRACE,
          '--run-id',
          'killed',
          '--',
          'sh',
          '-c',
          `${WORKLOAD} getppid ${N}; sleep 2.5; ${WORKLOAD} getppid ${N}; sleep 2.5; ${WORKLOAD} getppid ${N}`,
        ]),
      );
      await sleep(1800);
      await cp.stop('SIGKILL');
      await sleep(1500); // the agent keeps counting and buffering meanwhile
      await cp.start(port);
      const r = await done;
      expect(proc.exitCode).toBe(0);
      expect(r.stderr).toMatch(/reconnected to 127\.0\.0\.1:\d+; resending \d+ unacked snapshot/);
      const agentTotal = getppidCount(r.stdout);
      expect(agentTotal).toBeGreaterThanOrEqual(BigInt(3 * N));
      const top = await topOf(cp, { runId: 'killed' });
      expect(countOf(top, 110)).toBe(agentTotal);
      // Every other syscall too: the stored run equals the agent's final report row by row.
      const agentRows = Object.fromEntries(
        r.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => {
            const [nr, name, count] = l.split(',');
            return [nr === '' ? name : nr, count];
          }),
      );
      const stored = Object.fromEntries(top.rows.map((row) => [row.nr === -2 ? 'other' : String(row.nr), row.count]));
      expect(stored).toEqual(agentRows);
      assertNoDuplicates(cp, 'killed');
    },
  );

  it('control plane down when the agent starts: the agent waits, connects when it comes up, nothing lost', async () => {
    const cp = newCp();
    const port = await freePort();
    cp.address = `127.0.0.1:${port}`;
    const { done } = spawnAgent(
      agentArgs(cp, [...GRACE, '--run-id', 'late', '--', 'sh', '-c', `${WORKLOAD} getppid ${N}; sleep 3`]),
    );
    await sleep(1500);
    await cp.start(port);
    const r = await done;
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/control plane unreachable/);
    const top = await topOf(cp, { runId: 'late' });
    expect(countOf(top, 110)).toBe(getppidCount(r.stdout));
    expect(countOf(top, 110)).toBeGreaterThanOrEqual(BigInt(N));
    assertNoDuplicates(cp, 'late');
  });

  it(
    'a buffer that overflows while the control plane is away ' +
      'keeps the latest cumulative snapshot: totals stay exact',
    async () => {
      const cp = newCp();
      const port = await freePort();
      cp.address = `127.0.0.1:${port}`;
      // Snapshots every second, room for 2: the ~4 taken while the control plane is down overflow it.
      const script = `${WORKLOAD} getppid 1000; sleep 4; ${WORKLOAD} getppid 2000; sleep 3`;
      const { done } = spawnAgent(
        agentArgs(cp, [...GRACE, '--run-id', 'overflow', '--buffer', '2', '--', 'sh', '-c', script]),
      );
      await sleep(4200);
      await cp.start(port);
      const r = await done;
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
      expect(r.stderr).toMatch(/snapshot buffer full \(2\): dropping the oldest unacked snapshots; totals stay exact/);
      const top = await topOf(cp, { runId: 'overflow' });
      expect(countOf(top, 110)).toBe(getppidCount(r.stdout));
      const db = cp.db();
      const seqs = db.prepare("SELECT seq FROM snapshots WHERE run_id = 'overflow' ORDER BY seq").all() as Array<{
        seq: number;
      }>;
      db.close();
      // Gaps where snapshots were dropped: fewer stored than taken, the last one always there.
      expect(seqs.length).toBeLessThan(seqs[seqs.length - 1].seq);
      assertNoDuplicates(cp, 'overflow');
    },
  );
});
