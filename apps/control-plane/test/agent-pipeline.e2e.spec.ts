import { GroupBy, ListHostsResponse } from '@syscall-counter/proto';
import { writeFileSync } from 'node:fs';
import { getppidCount, runAgent, spawnAgent, WORKLOAD } from '@syscall-counter/test-support';
import { agentArgs, assertNoDuplicates, controlPlanes, countOf, N, topOf } from './agent-pipeline';
import { queries, unary } from './grpc-client';

describe('agent -> gRPC -> control plane -> SQLite -> query (all real)', () => {
  const newCp = controlPlanes();

  it('a -- CMD workload of exactly N getppid calls shows exactly N in the query', async () => {
    const cp = newCp();
    await cp.start();
    const r = runAgent(agentArgs(cp, ['--run-id', 'exact-n', '--', WORKLOAD, 'getppid', String(N)]));
    expect(r.status).toBe(0);
    expect(getppidCount(r.stdout)).toBe(BigInt(N));
    const top = await topOf(cp, { runId: 'exact-n' });
    expect(countOf(top, 110)).toBe(BigInt(N));
    expect(top.rows[0]).toMatchObject({ nr: 110, count: String(N) });
    expect(top.arch).toBe('x86_64');
    assertNoDuplicates(cp, 'exact-n');
  });

  it('two agents with different host ids at once: both hosts listed, per-host and fleet totals right', async () => {
    const cp = newCp();
    await cp.start();
    const a = spawnAgent(
      agentArgs(cp, ['--host-id', 'host-a', '--run-id', 'run-a', '--', WORKLOAD, 'getppid', '111111']),
    );
    const b = spawnAgent(
      agentArgs(cp, ['--host-id', 'host-b', '--run-id', 'run-b', '--', WORKLOAD, 'threads', '2', '111111']),
    );
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.status, rb.status]).toEqual([0, 0]);
    const hosts = await unary<unknown, ListHostsResponse>(queries(cp), 'listHosts', {});
    expect(hosts.hosts.map((h) => [h.hostId, h.runs])).toEqual([
      ['host-a', 1],
      ['host-b', 1],
    ]);
    expect(countOf(await topOf(cp, { hostId: 'host-a' }), 110)).toBe(111111n);
    expect(countOf(await topOf(cp, { hostId: 'host-b' }), 110)).toBe(222222n);
    expect(countOf(await topOf(cp, {}), 110)).toBe(333333n);
    const byHost = await topOf(cp, {}, GroupBy.GROUP_BY_HOST);
    const fleet = BigInt(byHost.total);
    expect(byHost.rows.map((r) => r.key).sort()).toEqual(['host-a', 'host-b']);
    expect(byHost.rows.reduce((s, r) => s + BigInt(r.count), 0n)).toBe(fleet);
    expect(BigInt(hosts.hosts[0].total) + BigInt(hosts.hosts[1].total)).toBe(fleet);
  });

  it('an agent with a wrong token is told so, retries, and exits non-zero with nothing stored', async () => {
    const cp = newCp();
    await cp.start();
    const bad = `${cp.dir}/bad-token`;
    writeFileSync(bad, 'definitely-not-the-token');
    const r = runAgent([
      '--server',
      cp.address,
      '--token-file',
      bad,
      '-i',
      '1',
      '-o',
      'csv',
      '--run-id',
      'bad',
      '--',
      WORKLOAD,
      'getppid',
      '10',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/wrong token.*status 16.*check --token-file/);
    expect(r.stderr).toMatch(/snapshot\(s\) were not acked/);
    const db = cp.db();
    expect(db.prepare("SELECT COUNT(*) AS n FROM runs WHERE run_id = 'bad'").get()).toEqual({ n: 0 });
    db.close();
  });
});
