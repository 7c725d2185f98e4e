import { GroupBy, ListHostsResponse, TopResponse } from '@syscall-counter/proto';
import {
  ControlPlane,
  freePort,
  getppidCount,
  sleep,
  spawnAgent,
  testEngine,
  WORKLOAD,
} from '@syscall-counter/test-support';
import { queries, unary } from './grpc-client';

const N = 100000;
const scope = (runId: string) => ({
  hostId: '',
  runId,
  sinceUnixMs: '0',
  untilUnixMs: '0',
  pid: 0,
  comm: '',
  container: '',
  hostIds: [],
});

async function topOf(cp: ControlPlane, runId: string): Promise<TopResponse> {
  return unary(queries(cp), 'top', { scope: scope(runId), by: GroupBy.GROUP_BY_SYSCALL, limit: 0 });
}

function rowsOf(t: TopResponse): string[] {
  return t.rows.map((r) => `${r.nr}:${r.count}`);
}

// Several replicas share one database: only PostgreSQL (SC_TEST_DB=postgres) can.
(testEngine() === 'postgres' ? describe : describe.skip)('two control-plane replicas over one PostgreSQL', () => {
  const a = new ControlPlane();
  const b = new ControlPlane();
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it(
    'two agents (-i 1) fail over while one replica is SIGKILLed three times and restarted: ' +
      'exact totals, no (run, seq) twice, both replicas agree',
    async () => {
      const portA = await freePort();
      await a.start(portA);
      b.dbUrl = a.dbUrl; // the second replica joins the first one's (already migrated) database
      await b.start();
      const work = `${WORKLOAD} getppid ${N}; sleep 1.5; `.repeat(5);
      const agent = (runId: string, servers: string) =>
        spawnAgent([
          ...['--server', servers, '--token-file', a.tokenFile, '--host-id', `host-${runId}`],
          ...['--run-id', runId, '-i', '1', '-o', 'csv', '--', 'sh', '-c', work],
        ]);
      const one = agent('r1', `${a.address},${b.address}`);
      const two = agent('r2', `${b.address},${a.address}`);
      for (let i = 0; i < 3; i++) {
        await sleep(1500);
        await a.stop('SIGKILL');
        await sleep(700);
        await a.start(portA);
      }
      const [r1, r2] = await Promise.all([one.done, two.done]);
      expect([r1.status, r2.status]).toEqual([0, 0]);
      expect(r1.stderr).toMatch(/failing over to 127\.0\.0\.1:\d+/);
      for (const [runId, r] of [
        ['r1', r1],
        ['r2', r2],
      ] as const) {
        const total = getppidCount(r.stdout);
        expect(total).toBeGreaterThanOrEqual(BigInt(5 * N));
        const [viaA, viaB] = [await topOf(a, runId), await topOf(b, runId)];
        expect(BigInt(viaA.rows.find((x) => x.nr === 110)?.count ?? '0')).toBe(total);
        expect(rowsOf(viaB)).toEqual(rowsOf(viaA));
        expect(viaB.total).toBe(viaA.total);
        // Every syscall, not only the workload's: the stored run is the agent's final report row by row.
        const agentRows = r.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(','))
          .map(([nr, name, count]) => `${nr === '' ? (name === 'other' ? -2 : name) : nr}:${count}`)
          .sort();
        expect([...rowsOf(viaA)].sort()).toEqual(agentRows);
      }
      const db = a.db();
      const twice = db.prepare('SELECT run_id, seq FROM snapshots GROUP BY run_id, seq HAVING COUNT(*) > 1').all();
      expect(twice).toEqual([]);
      // None missing either: every unacked snapshot was resent after each failover (seqs 1..last).
      const gaps = db
        .prepare('SELECT run_id, COUNT(*) AS n, MAX(seq) AS last FROM snapshots GROUP BY run_id ORDER BY run_id')
        .all() as Array<{ run_id: string; n: number; last: number }>;
      expect(gaps.map((g) => [g.run_id, Number(g.n) === Number(g.last)])).toEqual([
        ['r1', true],
        ['r2', true],
      ]);
      db.close();
      const hosts = (cp: ControlPlane) => unary<unknown, ListHostsResponse>(queries(cp), 'listHosts', {});
      expect((await hosts(a)).hosts.map((h) => [h.hostId, h.total])).toEqual(
        (await hosts(b)).hosts.map((h) => [h.hostId, h.total]),
      );
    },
  );
});
