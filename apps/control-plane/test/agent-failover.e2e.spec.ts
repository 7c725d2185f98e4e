import { ControlPlane, freePort, getppidCount, spawnAgent, WORKLOAD } from '@syscall-counter/test-support';
import { assertNoDuplicates, countOf, topOf } from './agent-pipeline';

// Issue 12: the agent given several servers fails over "on UNAVAILABLE or a broken stream, and
// resends every unacked snapshot there". replicas.e2e (PostgreSQL) breaks streams by SIGKILL, which
// the agent sees as UNAVAILABLE. Here, on both engines: the first server is down (UNAVAILABLE at
// connect), the second welcomes the run and then ends the stream with another status (its
// SC_MAX_MESSAGE_BYTES refuses the per-process snapshots: RESOURCE_EXHAUSTED), the third stores it all.
describe('agent --server a,b,c: down, then a stream broken mid-run, then the replica that works', () => {
  const small = new ControlPlane({ SC_MAX_MESSAGE_BYTES: '1024' });
  const good = new ControlPlane();
  afterAll(async () => {
    await small.close();
    await good.close();
  });

  it('every snapshot resent to the third: exact totals, no (run, seq) twice, none missing', async () => {
    await small.start();
    if (small.dbUrl) good.dbUrl = small.dbUrl; // PostgreSQL: replicas of one database, as in production
    await good.start();
    const down = `127.0.0.1:${await freePort()}`;
    // 40 processes at once, each with its own rows under -P: every snapshot is well over 1 KiB.
    const work = `for i in $(seq 40); do ${WORKLOAD} getppid 1000 & done; wait; sleep 1.5`;
    const { done } = spawnAgent([
      ...['--server', `${down},${small.address},${good.address}`, '--token-file', good.tokenFile],
      ...['--run-id', 'failover', '-i', '1', '-P', '--process-top', '50', '-o', 'csv', '--', 'sh', '-c', work],
    ]);
    const r = await done;
    expect(r.status).toBe(0);
    const esc = (a: string) => a.replace(/\./g, '\\.');
    expect(r.stderr).toMatch(
      new RegExp(`stream to ${esc(down)} ended: .*\\(status 14\\).*failing over to ${esc(small.address)}`),
    );
    expect(r.stderr).toMatch(
      new RegExp(`stream to ${esc(small.address)} ended: .*\\(status 8\\).*failing over to ${esc(good.address)}`),
    );
    expect(r.stderr).toMatch(new RegExp(`reconnected to ${esc(good.address)}; resending [1-9]\\d* unacked snapshot`));
    const agentTotal = getppidCount(r.stdout);
    expect(agentTotal).toBeGreaterThanOrEqual(40_000n);
    expect(countOf(await topOf(good, { runId: 'failover' }), 110)).toBe(agentTotal);
    assertNoDuplicates(good, 'failover');
    // Every snapshot the agent took is stored: seqs 1..last, the one the small replica refused too.
    const db = good.db();
    const seqs = db.prepare("SELECT seq FROM snapshots WHERE run_id = 'failover' ORDER BY seq").all() as Array<{
      seq: number;
    }>;
    db.close();
    expect(seqs.map((s) => Number(s.seq))).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });
});
