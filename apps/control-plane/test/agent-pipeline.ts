// What the agent-pipeline specs share: an agent's flags to stream to a test control plane, queries of
// what it stored, and the check that no (run, seq) was stored twice.
import { GroupBy, TopResponse } from '@syscall-counter/proto';
import { ControlPlane } from '@syscall-counter/test-support';
import { queries, unary } from './grpc-client';

export const N = 250000;

export function agentArgs(cp: ControlPlane, extra: string[]): string[] {
  return ['--server', cp.address, '--token-file', cp.tokenFile, '-i', '1', '-o', 'csv', ...extra];
}

type ScopeFields = { hostId?: string; runId?: string; pid?: number; comm?: string; container?: string };

export function scopeOf(scope: ScopeFields) {
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

export async function topOf(
  cp: ControlPlane,
  scope: ScopeFields,
  by = GroupBy.GROUP_BY_SYSCALL,
  syscallNr?: number,
): Promise<TopResponse> {
  return unary(queries(cp), 'top', { scope: scopeOf(scope), by, limit: 0, syscallNr });
}

export function countOf(resp: TopResponse, nr: number): bigint {
  return BigInt(resp.rows.find((r) => r.nr === nr)?.count ?? '0');
}

/** Every stored (run, seq) is distinct and the run's snapshots are exactly those acked. */
export function assertNoDuplicates(cp: ControlPlane, runId: string): void {
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

/** The seqs of @runId whose total is not the sum of their rows in @table: [] when every snapshot adds up. */
export function snapshotsNotAddingUp(cp: ControlPlane, runId: string, table: 'process_counts' | 'cgroup_counts') {
  const db = cp.db();
  try {
    return db
      .prepare(
        `SELECT s.seq FROM snapshots s WHERE s.run_id = ?
           AND s.total != (SELECT COALESCE(SUM(count), 0) FROM ${table} x WHERE x.snap_key = s.snap_key)`,
      )
      .all(runId);
  } finally {
    db.close();
  }
}

/** A spec's control planes: each made by the function returned, all stopped and removed after the spec. */
export function controlPlanes(): () => ControlPlane {
  const cps: ControlPlane[] = [];
  afterAll(async () => {
    for (const cp of cps) {
      await cp.stop();
      cp.cleanup();
    }
  });
  return () => {
    const cp = new ControlPlane();
    cps.push(cp);
    return cp;
  };
}
