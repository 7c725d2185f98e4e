import { randomBytes } from 'node:crypto';
import { GroupBy, LatencyResponse, TopResponse } from '@syscall-counter/proto';
import { join } from 'node:path';
import {
  cgroup2Root,
  ControlPlane,
  inCgroup,
  makeCgroup,
  removeCgroup,
  runAgent,
  WORKLOAD,
} from '@syscall-counter/test-support';
import { agentArgs, controlPlanes, countOf, scopeOf, snapshotsNotAddingUp, topOf } from './agent-pipeline';
import { queries, unary } from './grpc-client';

describe('agent breakdowns -> control plane (all real): per process, per cgroup, errors, latency', () => {
  const newCp = controlPlanes();

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
    expect(snapshotsNotAddingUp(cp, 'per-proc', 'process_counts')).toEqual([]);
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
    // An id of this run's own: suites running at once on the machine must not share cgroups.
    const ID = `fed${randomBytes(31).toString('hex').slice(0, 61)}`;
    const SHORT = ID.slice(0, 12);
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
      expect(top.rows.find((row) => row.key === `docker:${SHORT}`)).toMatchObject({
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
      for (const container of [`docker:${SHORT}`, SHORT, `/${unit}`]) {
        expect(countOf(await topOf(cp, { runId: 'per-cgroup', container }), 110)).toBe(4000n);
      }
      expect((await topOf(cp, { runId: 'per-cgroup', container: 'docker:000000000000' })).rows).toEqual([]);
    });

    it('the cgroup rows of every snapshot add up to its total, and the container rows to the run total', async () => {
      expect(snapshotsNotAddingUp(cp, 'per-cgroup', 'cgroup_counts')).toEqual([]);
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
});
