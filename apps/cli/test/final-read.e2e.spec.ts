import { ControlPlane, sleep, spawnAgent, startAgent, startControlPlane } from '@syscall-counter/test-support';

// The total the agent prints at the end and the one the control plane stored for its final
// snapshot come from one read of the maps (issue 13: 7,474 printed vs 6,287 stored).
describe('the final report and the final snapshot are one read (real agent, real control plane)', () => {
  let cp: ControlPlane;
  beforeAll(async () => (cp = await startControlPlane()));
  afterAll(() => cp.close());

  /** Snapshots store each interval's deltas: their sum is the run's cumulative total. */
  function storedTotal(runId: string): number {
    const db = cp.db();
    try {
      const row = db.prepare('SELECT SUM(total) AS total FROM snapshots WHERE run_id = ?').get(runId);
      return (row as { total: number }).total;
    } finally {
      db.close();
    }
  }

  it('-d 2: the printed total is the stored total', async () => {
    const agent = spawnAgent([...cp.conn, '--run-id', 'final-d', '-i', '1', '-d', '2', '-o', 'json']);
    const r = await agent.done;
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).total).toBe(storedTotal('final-d'));
  });

  it('SIGTERM: the printed total is the stored total', async () => {
    const agent = await startAgent([...cp.conn, '--run-id', 'final-term', '-i', '1', '-o', 'json']);
    await sleep(1500);
    agent.proc.kill('SIGTERM');
    const r = await agent.done;
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).total).toBe(storedTotal('final-term'));
  });
});
