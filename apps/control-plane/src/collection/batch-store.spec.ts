import { status } from '@grpc/grpc-js';
import { INestApplicationContext } from '@nestjs/common';
import { Snapshot } from '@syscall-counter/proto';
import { toGrpcStatus } from '../common/grpc-status';
import { SqlRunner } from '../database/sql-runner';
import { forceFallback } from '../testing/force-fallback';
import { hello, inMemoryApp, snapshot } from '../testing/in-memory-app';
import { BatchStore } from './batch-store';
import { IngestService, OpenedRun } from './ingest.service';

const HOUR = 3_600_000;

/** Every row ingest writes, keyed by what it means (run and seq, cgroup path), not by generated keys. */
const DUMP: Record<string, string> = {
  snapshots: 'SELECT run_id, seq, host_id, time_ms, total, unattributed FROM snapshots ORDER BY 1, 2',
  runs: 'SELECT run_id, last_seq, finished, unattributed FROM runs ORDER BY 1',
  deltas: 'SELECT s.run_id, s.seq, d.nr, d.count FROM deltas d JOIN snapshots s USING (snap_key) ORDER BY 1, 2, 3',
  processes:
    'SELECT s.run_id, s.seq, p.pid, p.nr, p.comm, p.count FROM process_counts p JOIN snapshots s USING (snap_key) ' +
    'ORDER BY 1, 2, 3, 4',
  cgroups:
    'SELECT s.run_id, s.seq, n.path, c.nr, c.count FROM cgroup_counts c JOIN snapshots s USING (snap_key) ' +
    'LEFT JOIN cgroup_names n ON n.name_key = c.name_key ORDER BY 1, 2, 3, 4',
  failures:
    'SELECT s.run_id, s.seq, f.nr, f.errno_code, f.count FROM failure_deltas f JOIN snapshots s USING (snap_key) ' +
    'ORDER BY 1, 2, 3, 4',
  latency:
    'SELECT s.run_id, s.seq, l.nr, l.bucket, l.count FROM latency_deltas l JOIN snapshots s USING (snap_key) ' +
    'ORDER BY 1, 2, 3, 4',
  hourly: 'SELECT * FROM hourly_counts ORDER BY 1, 2, 3',
  hourlyProcesses: 'SELECT * FROM hourly_process_counts ORDER BY 1, 2, 3, 4, 5',
  hourlyCgroups:
    'SELECT h.hour_ms, h.host_id, n.path, h.nr, h.count FROM hourly_cgroup_counts h ' +
    'LEFT JOIN cgroup_names n ON n.name_key = h.name_key ORDER BY 1, 2, 3, 4',
  tenMinute: 'SELECT * FROM ten_minute_counts ORDER BY 1, 2, 3',
  tenMinuteProcesses: 'SELECT * FROM ten_minute_process_counts ORDER BY 1, 2, 3, 4, 5',
  tenMinuteCgroups:
    'SELECT t.bucket_ms, t.host_id, n.path, t.nr, t.count FROM ten_minute_cgroup_counts t ' +
    'LEFT JOIN cgroup_names n ON n.name_key = t.name_key ORDER BY 1, 2, 3, 4',
  hostTotals: 'SELECT * FROM host_totals ORDER BY 1, 2',
  hostCgroupTotals:
    'SELECT t.host_id, n.path, t.nr, t.count FROM host_cgroup_totals t ' +
    'LEFT JOIN cgroup_names n ON n.name_key = t.name_key ORDER BY 1, 2, 3',
  runTotals: 'SELECT * FROM run_totals ORDER BY 1, 2',
  failureTotals: 'SELECT * FROM failure_totals ORDER BY 1, 2, 3',
  latencyTotals: 'SELECT * FROM latency_totals ORDER BY 1, 2, 3',
  seen:
    'SELECT c.run_id, n.path, c.nr, c.first_ms FROM cgroup_syscalls c JOIN cgroup_names n USING (name_key) ' +
    'ORDER BY 1, 2, 3',
  bpf: 'SELECT * FROM bpf_program_totals ORDER BY 1, 2',
};

/** Snapshot @seq of a run with every kind of detail: processes, cgroups, failures, latency, sets, programs. */
function rich(runId: string, seq: number, atMs: number): Snapshot {
  const n = seq * 10;
  return snapshot(
    runId,
    seq,
    atMs,
    [
      [0, 3 * n],
      [39, 2 * n],
      [110, n + (seq > 2 ? 5 : 0)],
    ],
    {
      unattributed: String(seq),
      processes: [
        { pid: 7, comm: 'nginx', nr: 0, count: String(2 * seq) },
        { pid: 8, comm: 'sshd', nr: 39, count: String(seq) },
      ],
      cgroups: [{ path: '/system.slice/a.service', container: '', nr: 0, count: String(seq) }],
      failures: [{ nr: 39, errnoCode: 2, count: String(seq) }],
      latency: [{ nr: 0, totalNs: String(1000 * seq), unreturned: '0', buckets: [{ bucket: 3, count: String(seq) }] }],
      cgroupSyscalls: [{ path: '/system.slice/b.service', container: 'b', nrs: [0, 39 + (seq % 2)] }],
      bpfPrograms: [{ program: 'count_percpu', runTimeNs: String(100 * seq), runCount: String(n) }],
    },
  );
}

describe('BatchStore: a group-commit batch written in one statement (PostgreSQL) or one per table', () => {
  let apps: INestApplicationContext[] = [];
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
  });
  const open = async () => {
    const app = await inMemoryApp();
    apps.push(app);
    return { app, ingest: app.get(IngestService), sql: app.get(SqlRunner), store: app.get(BatchStore) };
  };
  const richHello = (runId: string, hostId: string) =>
    hello({ runId, hostId, hostname: hostId, processTopK: 2, cgroupTopK: 2, errors: true, latency: true });

  /** Three runs (two on one host), each sending two snapshots at once, and an hour boundary. */
  async function workload(ingest: IngestService): Promise<void> {
    const runs = await Promise.all([
      ingest.hello(richHello('ra', 'h1')),
      ingest.hello(richHello('rb', 'h1')),
      ingest.hello(richHello('rc', 'h2')),
    ]);
    const at = [10_000, 20_000, HOUR - 1, HOUR + 5_000];
    for (let seq = 1; seq <= 4; seq += 2)
      await Promise.all(
        runs.flatMap((r) => [
          ingest.ingest(r, rich(r.runId, seq, at[seq - 1])),
          ingest.ingest(r, rich(r.runId, seq + 1, at[seq])),
        ]),
      );
  }

  async function dump(sql: SqlRunner): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const [name, q] of Object.entries(DUMP)) out[name] = await sql.all(q);
    return out;
  }

  it('the batched path and the per-snapshot fallback store identical rows', async () => {
    const batched = await open();
    await workload(batched.ingest);
    const fallback = await open();
    // As if every batch found a run moved on by another replica: rolled back, stored snapshot by snapshot.
    forceFallback(fallback.app);
    await workload(fallback.ingest);
    expect(batched.store.fallbacks).toBe(0);
    expect(fallback.store.fallbacks).toBeGreaterThanOrEqual(2);
    const [a, b] = [await dump(batched.sql), await dump(fallback.sql)];
    expect(a.snapshots).toHaveLength(12);
    expect(a.deltas).toHaveLength(36);
    expect(a.hourly).toHaveLength(12); // 2 hosts x 2 hours x 3 syscalls
    expect(a.processes.length).toBeGreaterThan(0);
    expect(a.seen).toHaveLength(9); // 3 runs x nrs 0, 39, 40
    expect(a).toEqual(b);
  });

  it('one bad snapshot of a batch fails alone with its own error; the others, of its run too, commit', async () => {
    const { ingest, sql, store } = await open();
    const [r1, r2, r3] = await Promise.all(
      ['r1', 'r2', 'r3'].map((id, i) => ingest.hello(hello({ runId: id, hostId: `h${i}`, hostname: `h${i}` }))),
    );
    await ingest.ingest(r1, snapshot('r1', 1, 10_000, [[39, 50]]));
    const send = (r: OpenedRun, seq: number, count: number) =>
      ingest.ingest(r, snapshot(r.runId, seq, seq * 10_000, [[39, count]]));
    const outcomes = await Promise.allSettled([
      send(r1, 2, 40), // went backwards: fails
      send(r1, 3, 70), // checked against seq 1, as if seq 2 never came
      send(r2, 1, 5),
      send(r3, 1, 1).then(() => send(r3, 1, 1)), // the next batch: a duplicate
      ingest.ingest(r2, snapshot('r2', 2, 20_000, [[5000, 1]])), // invalid
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : toGrpcStatus(o.reason)))).toEqual([
      {
        code: status.FAILED_PRECONDITION,
        message: "counter of nr 39 went backwards in run 'r1' at seq 2: 50 -> 40",
      },
      'stored',
      'stored',
      'duplicate',
      {
        code: status.INVALID_ARGUMENT,
        message: 'count row: syscall nr 5000 is outside the table\'s range [-1, 1023] (and is not -2, "other")',
      },
    ]);
    expect(store.fallbacks).toBe(0);
    expect(await sql.all('SELECT run_id, seq, total FROM snapshots ORDER BY run_id, seq')).toEqual([
      { run_id: 'r1', seq: 1n, total: 50n },
      { run_id: 'r1', seq: 3n, total: 20n },
      { run_id: 'r2', seq: 1n, total: 5n },
      { run_id: 'r3', seq: 1n, total: 1n },
    ]);
    expect(await sql.all('SELECT run_id, last_seq FROM runs ORDER BY run_id')).toEqual([
      { run_id: 'r1', last_seq: 3n },
      { run_id: 'r2', last_seq: 1n },
      { run_id: 'r3', last_seq: 1n },
    ]);
    expect(await sql.all('SELECT host_id, count FROM hourly_counts ORDER BY host_id')).toEqual([
      { host_id: 'h0', count: 70n },
      { host_id: 'h1', count: 5n },
      { host_id: 'h2', count: 1n },
    ]);
  });
});
