import { Injectable } from '@nestjs/common';
import { Prepared, SqlRunner } from '../database/sql-runner';
import { hostFilter } from '../queries/data/snapshot-sql';

/** Which history a set covers; '' and 0n do not filter (until 0n: unbounded). */
export interface SetFilter {
  /** None: every host. */
  hostIds: string[];
  runId: string;
  since: bigint;
  until: bigint;
  container: string;
  comm: string;
}

/** One syscall of one host in a scope: calls counted, first and last seen (ms). */
export interface SetRow {
  nr: bigint;
  host_id: string;
  c: bigint;
  first_ms: bigint;
  last_ms: bigint;
}

const FOREVER = (1n << 62n) - 1n;

/** A cgroup as the agent names it: its path, and what runs there ("" when the path says it). */
export interface CgroupName {
  path: string;
  container: string;
}

/**
 * The per-cgroup syscall sets: which (run, cgroup, syscall) pairs were ever seen, and when first.
 * Written by ingest inside its transaction; a pair seen again (a resent snapshot) is kept as is.
 */
@Injectable()
export class SyscallSetsRepository {
  private readonly stmt: Record<string, Prepared>;

  constructor(private readonly sql: SqlRunner) {
    const p = (text: string) => sql.prepare(text);
    this.stmt = {
      name: p('SELECT name_key FROM cgroup_names WHERE path = ? AND container = ?'),
      putName: p('INSERT INTO cgroup_names (path, container) VALUES (?, ?) RETURNING name_key'),
      put: p(
        'INSERT INTO cgroup_syscalls (run_id, name_key, nr, first_ms) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (run_id, name_key, nr) DO NOTHING',
      ),
    };
  }

  /** Records that @cgroup of @runId made each of @nrs, first seen at @timeMs unless already known. */
  async putSeen(runId: string, cgroup: CgroupName, nrs: number[], timeMs: bigint): Promise<void> {
    const key = await this.nameKey(cgroup);
    for (const nr of nrs) await this.stmt.put.run(runId, key, nr, timeMs);
  }

  private async nameKey(c: CgroupName): Promise<bigint> {
    const hit = await this.stmt.name.get<{ name_key: bigint }>(c.path, c.container);
    if (hit) return hit.name_key;
    return (await this.stmt.putName.get<{ name_key: bigint }>(c.path, c.container))!.name_key;
  }

  /** The syscalls of a container (label, bare id, unit or path) in runs overlapping the window: complete. */
  containerSet(f: SetFilter): Promise<SetRow[]> {
    const names =
      'SELECT n.name_key FROM cgroup_names n WHERE n.name_key > 0 AND ' +
      `(n.container = ? OR n.path = ? OR ${this.sql.dialect.afterColon('n.container')} = ?)`;
    const runs = this.runFilter(f);
    return this.sql.all<SetRow>(
      `SELECT cs.nr AS nr, r.host_id AS host_id, 0 AS c, MIN(cs.first_ms) AS first_ms, MIN(cs.first_ms) AS last_ms
         FROM cgroup_syscalls cs JOIN runs r ON r.run_id = cs.run_id
        WHERE cs.name_key IN (${names}) AND ${runs.sql}
        GROUP BY cs.nr, r.host_id`,
      f.container,
      f.container,
      f.container,
      ...runs.params,
    );
  }

  /** Calls counted per syscall and host in a window: all of them (deltas), a comm's, or a container's top-K rows. */
  countedSet(f: SetFilter): Promise<SetRow[]> {
    const where = ['s.time_ms >= ?', 's.time_ms < ?'];
    const params: unknown[] = [f.since, f.until || FOREVER];
    let join = 'JOIN deltas x ON x.snap_key = s.snap_key';
    const hosts = hostFilter('s.host_id', f.hostIds);
    if (hosts) {
      where.push(hosts.sql);
      params.push(...hosts.params);
    }
    if (f.runId) {
      where.push('s.run_id = ?');
      params.push(f.runId);
    }
    if (f.comm) {
      join = 'JOIN process_counts x ON x.snap_key = s.snap_key';
      where.push('x.pid > 0 AND x.comm = ?');
      params.push(f.comm);
    } else if (f.container) {
      join = 'JOIN cgroup_counts x ON x.snap_key = s.snap_key';
      where.push(
        'x.name_key IN (SELECT n.name_key FROM cgroup_names n WHERE n.name_key > 0 AND ' +
          `(n.container = ? OR n.path = ? OR ${this.sql.dialect.afterColon('n.container')} = ?))`,
      );
      params.push(f.container, f.container, f.container);
    }
    return this.sql.all<SetRow>(
      `SELECT x.nr AS nr, s.host_id AS host_id, SUM(x.count) AS c, MIN(s.time_ms) AS first_ms, MAX(s.time_ms) AS last_ms
         FROM snapshots s ${join}
        WHERE ${where.join(' AND ')} AND x.count > 0
        GROUP BY x.nr, s.host_id`,
      ...params,
    );
  }

  /** The architectures of these hosts. */
  async arches(hostIds: string[]): Promise<string[]> {
    if (!hostIds.length) return [];
    const marks = hostIds.map(() => '?').join(', ');
    const rows = await this.sql.all<{ arch: string }>(
      `SELECT DISTINCT arch FROM hosts WHERE host_id IN (${marks})`,
      ...hostIds,
    );
    return rows.map((r) => r.arch);
  }

  /** The runs (alias r) of a scope that overlap its window. */
  private runFilter(f: SetFilter): { sql: string; params: unknown[] } {
    const parts = ['r.started_ms < ?', 'r.last_seen_ms >= ?'];
    const params: unknown[] = [f.until || FOREVER, f.since];
    const hosts = hostFilter('r.host_id', f.hostIds);
    if (hosts) {
      parts.push(hosts.sql);
      params.push(...hosts.params);
    }
    if (f.runId) {
      parts.push('r.run_id = ?');
      params.push(f.runId);
    }
    return { sql: parts.join(' AND '), params };
  }
}
