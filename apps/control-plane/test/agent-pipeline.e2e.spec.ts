import { GroupBy, LatencyResponse, ListHostsResponse, TopResponse } from '@syscall-counter/proto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroup2Root,
  ControlPlane,
  freePort,
  getppidCount,
  inCgroup,
  makeCgroup,
  removeCgroup,
  runAgent,
  sleep,
  spawnAgent,
  WORKLOAD,
} from '@syscall-counter/test-support';
import { queries, unary } from './grpc-client';

const N = 250000;

function agentArgs(cp: ControlPlane, extra: string[]): string[] {
  return ['--server', cp.address, '--token-file', cp.tokenFile, '-i', '1', '-o', 'csv', ...extra];
}

type ScopeFields = { hostId?: string; runId?: string; pid?: number; comm?: string; container?: string };

function scopeOf(scope: ScopeFields) {
  return {
    hostId: scope.hostId ?? '',
    runId: scope.runId ?? '',
    sinceUnixMs: '0',
    untilUnixMs: '0',
    pid: scope.pid ?? 0,
    comm: scope.comm ?? '',
    container: scope.container ?? '',
    hostIds: [],
  };
}

async function topOf(
  cp: ControlPlane,
  scope: ScopeFields,
  by = GroupBy.GROUP_BY_SYSCALL,
  syscallNr?: number,
): Promise<TopResponse> {
  return unary(queries(cp), 'top', { scope: scopeOf(scope), by, limit: 0, syscallNr });
}

function countOf(resp: TopResponse, nr: number): bigint {
  return BigInt(resp.rows.find((r) => r.nr === nr)?.count ?? '0');
}

/** Every stored (run, seq) is distinct and the run's snapshots are exactly those acked. */
function assertNoDuplicates(cp: ControlPlane, runId: string): void {
  const db = cp.db();
  const rows = db.prepare('SELECT seq FROM snapshots WHERE run_id = ? ORDER BY seq').all(runId) as Array<{
    seq: number;
  }>;
  const deltas = db
    .prepare(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT s.seq || ':' || d.nr) AS d
         FROM deltas d JOIN snapshots s ON s.snap_key = d.snap_key WHERE s.run_id = ?`,
    )
    .get(runId) as { n: number; d: number };
  db.close();
  expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
  expect(deltas.n).toBe(deltas.d);
}

describe('agent -> gRPC -> control plane -> SQLite -> query (all real)', () => {
  const cps: ControlPlane[] = [];
  const newCp = () => {
    const cp = new ControlPlane();
    cps.push(cp);
    return cp;
  };
  afterAll(async () => {
    for (const cp of cps) {
      await cp.stop();
      cp.cleanup();
    }
  });

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

  it(
    'control plane SIGKILLed mid-run and restarted: ' + 'stored totals equal the agent’s own, no (run, seq) twice',
    async () => {
      const cp = newCp();
      const port = await freePort();
      await cp.start(port);
      const { proc, done } = spawnAgent(
        agentArgs(cp, [
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
      agentArgs(cp, ['--run-id', 'late', '--', 'sh', '-c', `${WORKLOAD} getppid ${N}; sleep 3`]),
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
      const { done } = spawnAgent(agentArgs(cp, ['--run-id', 'overflow', '--buffer', '2', '--', 'sh', '-c', script]));
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

  it('per-process mode: each process’s calls exactly, the rest under pid 0, every snapshot adding up', async () => {
    const cp = newCp();
    await cp.start();
    const script = `${WORKLOAD} getppid 3000 & ${WORKLOAD} getppid 5000; wait`;
    const r = runAgent(agentArgs(cp, ['-P', '--process-top', '2', '--run-id', 'per-proc', '--', 'sh', '-c', script]));
    expect(r.status).toBe(0);
    const byProcess = await topOf(cp, { runId: 'per-proc' }, GroupBy.GROUP_BY_PROCESS, 110);
    const workers = byProcess.rows.filter((row) => row.label === 'workload').map((row) => BigInt(row.count));
    expect(workers.sort()).toEqual([3000n, 5000n]);
    // Only the 2 busiest processes of each snapshot are named; the shell's calls land in pid 0.
    const all = await topOf(cp, { runId: 'per-proc' }, GroupBy.GROUP_BY_PROCESS);
    expect(all.rows.map((row) => row.key)).toContain('0');
    expect(all.rows.find((row) => row.key === '0')?.label).toBe('other');
    expect(all.rows.reduce((s, row) => s + BigInt(row.count), 0n)).toBe(BigInt(all.total));
    expect(BigInt(all.total)).toBe(BigInt((await topOf(cp, { runId: 'per-proc' })).total));
    const db = cp.db();
    const mismatched = db
      .prepare(
        `SELECT s.seq FROM snapshots s WHERE s.run_id = 'per-proc'
           AND s.total != (SELECT COALESCE(SUM(count), 0) FROM process_counts pc WHERE pc.snap_key = s.snap_key)`,
      )
      .all();
    db.close();
    expect(mismatched).toEqual([]);
  });

  it(
    'per-process mode with a map too small: ' + 'the unattributed calls are reported, and the rows still add up',
    async () => {
      const cp = newCp();
      await cp.start();
      const script = `${WORKLOAD} getppid 3000 & ${WORKLOAD} getppid 5000; wait`;
      const r = runAgent(
        agentArgs(cp, ['-P', '--proc-entries', '4', '--run-id', 'tiny-map', '--', 'sh', '-c', script]),
      );
      expect(r.status).toBe(0);
      const top = await topOf(cp, { runId: 'tiny-map' }, GroupBy.GROUP_BY_PROCESS);
      expect(BigInt(top.unattributed)).toBeGreaterThan(0n);
      expect(BigInt(top.rows.find((row) => row.key === '0')?.count ?? '0')).toBeGreaterThanOrEqual(
        BigInt(top.unattributed),
      );
      expect(top.rows.reduce((s, row) => s + BigInt(row.count), 0n)).toBe(BigInt(top.total));
      expect(top.total).toBe((await topOf(cp, { runId: 'tiny-map' })).total);
      const db = cp.db();
      const stored = db.prepare("SELECT SUM(unattributed) AS s FROM snapshots WHERE run_id = 'tiny-map'").get() as {
        s: number;
      };
      const run = db.prepare("SELECT unattributed FROM runs WHERE run_id = 'tiny-map'").get() as {
        unattributed: number;
      };
      db.close();
      expect(String(stored.s)).toBe(top.unattributed);
      expect(String(run.unattributed)).toBe(top.unattributed);
    },
  );

  it('--errors: the failing calls of a workload that fails K of N, exactly, per syscall and per errno', async () => {
    const cp = newCp();
    await cp.start();
    const r = runAgent(agentArgs(cp, ['--errors', '--run-id', 'errors', '--', WORKLOAD, 'close', '1000', '300']));
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    const failed = (by: GroupBy, syscallNr?: number) =>
      unary<unknown, TopResponse>(queries(cp), 'top', {
        scope: scopeOf({ runId: 'errors' }),
        by,
        limit: 0,
        syscallNr,
        failed: true,
      });
    expect(countOf(await failed(GroupBy.GROUP_BY_SYSCALL), 3)).toBe(300n);
    expect((await failed(GroupBy.GROUP_BY_ERRNO, 3)).rows).toEqual([{ nr: 0, key: '9', count: '300', label: '' }]);
    // Failed calls are a subset of the calls: every syscall's failures are at most its count.
    const all = await topOf(cp, { runId: 'errors' });
    for (const row of (await failed(GroupBy.GROUP_BY_SYSCALL)).rows) {
      expect(BigInt(row.count)).toBeLessThanOrEqual(BigInt(all.rows.find((a) => a.nr === row.nr)?.count ?? '0'));
    }
    await expect(failed(GroupBy.GROUP_BY_PROCESS)).rejects.toThrow(/failed calls are counted per host/);
    await expect(
      unary(queries(cp), 'top', {
        scope: scopeOf({ runId: 'errors' }),
        by: GroupBy.GROUP_BY_ERRNO,
        limit: 0,
        failed: false,
      }),
    ).rejects.toThrow(/grouping by errno goes with failed calls/);
    // -x streams only the failing calls as the counts themselves.
    const onlyFailed = runAgent(
      agentArgs(cp, ['-x', '--run-id', 'failed-only', '--', WORKLOAD, 'close', '1000', '300']),
    );
    expect(onlyFailed.status).toBe(0);
    expect(countOf(await topOf(cp, { runId: 'failed-only' }), 3)).toBe(300n);
    const other = runAgent(agentArgs(cp, ['--run-id', 'no-errors', '--', WORKLOAD, 'getppid', '10']));
    expect(other.status).toBe(0);
    await expect(
      unary(queries(cp), 'top', {
        scope: scopeOf({ runId: 'no-errors' }),
        by: GroupBy.GROUP_BY_SYSCALL,
        limit: 0,
        failed: true,
      }),
    ).rejects.toThrow(/no run of run 'no-errors' was streamed with failed-call data \(agent --errors\)/);
  });

  it('--latency: the histogram of every syscall holds exactly its timed calls, kept in the history', async () => {
    const cp = newCp();
    await cp.start();
    const r = runAgent(agentArgs(cp, ['--latency', '--run-id', 'latency', '--', WORKLOAD, 'getppid', '2000']));
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    const lat = await unary<unknown, LatencyResponse>(queries(cp), 'latency', { scope: scopeOf({ runId: 'latency' }) });
    const row = (nr: number) => lat.rows.find((x) => x.nr === nr)!;
    const timed = (nr: number) => row(nr).buckets.reduce((s, c) => s + BigInt(c), 0n);
    expect(row(110).buckets).toHaveLength(64);
    expect(timed(110)).toBe(2000n);
    expect(BigInt(row(110).totalNs)).toBeGreaterThan(0n);
    // exit_group never returns: counted as unreturned, never timed.
    expect({ timed: timed(231), unreturned: row(231).unreturned }).toEqual({ timed: 0n, unreturned: '1' });
    const only = await unary<unknown, LatencyResponse>(queries(cp), 'latency', {
      scope: scopeOf({ runId: 'latency' }),
      syscallNr: 110,
    });
    expect(only.rows.map((x) => x.nr)).toEqual([110]);
    await expect(unary(queries(cp), 'latency', { scope: scopeOf({ runId: 'nope' }) })).rejects.toThrow(
      /unknown run 'nope'/,
    );
    const plain = runAgent(agentArgs(cp, ['--run-id', 'no-latency', '--', WORKLOAD, 'getppid', '10']));
    expect(plain.status).toBe(0);
    await expect(unary(queries(cp), 'latency', { scope: scopeOf({ runId: 'no-latency' }) })).rejects.toThrow(
      /was streamed with latency data \(agent --latency\)/,
    );
  });

  describe('per-cgroup mode', () => {
    const ID = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
    const unit = join('system.slice', `docker-${ID}.scope`);
    const dir = join(cgroup2Root(), unit);
    let cp: ControlPlane;
    // A shell moves itself into the container's cgroup, then becomes the workload.
    const inContainer = (n: number) => inCgroup(dir, `${WORKLOAD} getppid ${n}`);

    beforeAll(async () => {
      makeCgroup(unit);
      cp = newCp();
      await cp.start();
      const r = runAgent(
        agentArgs(cp, [
          '-C',
          '--cgroup-top',
          '1',
          '--run-id',
          'per-cgroup',
          '--',
          'sh',
          '-c',
          `${inContainer(4000)}; ${WORKLOAD} getppid 700`,
        ]),
      );
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    });
    afterAll(() => removeCgroup(dir));

    it('a process in a docker-named cgroup is reported under its container id, exactly', async () => {
      const top = await topOf(cp, { runId: 'per-cgroup' }, GroupBy.GROUP_BY_CONTAINER, 110);
      expect(top.rows.find((row) => row.key === 'docker:fedcba987654')).toMatchObject({
        count: '4000',
        label: `/${unit}`,
      });
      // The 700 calls made outside it (and the shells' own) are under their cgroup or, in an
      // interval the container led (--cgroup-top 1), under "other": the rows add up either way.
      expect(top.rows.reduce((s, row) => s + BigInt(row.count), 0n)).toBe(
        countOf(await topOf(cp, { runId: 'per-cgroup' }), 110),
      );
      expect(BigInt(top.total)).toBeGreaterThanOrEqual(4700n);
    });

    it('--container scopes a query by label, bare id or path, exactly', async () => {
      for (const container of ['docker:fedcba987654', 'fedcba987654', `/${unit}`]) {
        expect(countOf(await topOf(cp, { runId: 'per-cgroup', container }), 110)).toBe(4000n);
      }
      expect((await topOf(cp, { runId: 'per-cgroup', container: 'docker:000000000000' })).rows).toEqual([]);
    });

    it('the cgroup rows of every snapshot add up to its total, and the container rows to the run total', async () => {
      const db = cp.db();
      const mismatched = db
        .prepare(
          `SELECT s.seq FROM snapshots s WHERE s.run_id = 'per-cgroup'
             AND s.total != (SELECT COALESCE(SUM(count), 0) FROM cgroup_counts x WHERE x.snap_key = s.snap_key)`,
        )
        .all();
      db.close();
      expect(mismatched).toEqual([]);
      const all = await topOf(cp, { runId: 'per-cgroup' }, GroupBy.GROUP_BY_CONTAINER);
      expect(all.total).toBe((await topOf(cp, { runId: 'per-cgroup' })).total);
    });

    it(
      'mixing process and container scopes, ' + 'or asking a run without breakdowns for one, is a clear error',
      async () => {
        await expect(topOf(cp, { runId: 'per-cgroup', pid: 1 }, GroupBy.GROUP_BY_CONTAINER)).rejects.toThrow(
          /stored apart/,
        );
        await expect(topOf(cp, { runId: 'per-cgroup' }, GroupBy.GROUP_BY_PROCESS)).rejects.toThrow(
          /no run of run 'per-cgroup' was streamed with per-process data \(agent -P\)/,
        );
      },
    );
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
