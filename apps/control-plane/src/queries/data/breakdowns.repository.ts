import { Injectable } from '@nestjs/common';
import { SqlRunner } from '../../database/sql-runner';
import { runCarries } from '../../hosts-runs/hosts-runs.repository';
import type { DetailFilter, Key, Window } from '../scope-window';
import { KeyColumns, plainKey, RowSource, snapshotFilter } from './snapshot-sql';

export type Breakdown = 'processes' | 'cgroups';

/**
 * The per-interval breakdowns: process_counts (pid 0 "other") and cgroup_counts with their
 * cgroup_names (name_key 0 "other"). The "other" rows never match a filter.
 */
@Injectable()
export class BreakdownsRepository {
  constructor(private readonly sql: SqlRunner) {}

  rows(source: Breakdown, f: DetailFilter, nr?: number): RowSource {
    const where: string[] = [];
    const params: unknown[] = [];
    if (nr !== undefined) {
      where.push('x.nr = ?');
      params.push(nr);
    }
    if (source === 'processes') {
      if (f.pid > 0) {
        where.push('x.pid = ?');
        params.push(f.pid);
      }
      if (f.comm) {
        where.push('x.pid > 0 AND x.comm = ?');
        params.push(f.comm);
      }
      return { join: 'JOIN process_counts x ON x.snap_key = s.snap_key', col: 'x', where, params };
    }
    if (f.container) {
      // A label ("docker:3f2a9c1b7d4e"), its bare id, a unit name or a cgroup path.
      where.push(
        `x.name_key IN (SELECT n.name_key FROM cgroup_names n WHERE n.name_key > 0 AND ` +
          `(n.container = ? OR n.path = ? OR ${this.sql.dialect.afterColon('n.container')} = ?))`,
      );
      params.push(f.container, f.container, f.container);
    }
    return { join: 'JOIN cgroup_counts x ON x.snap_key = s.snap_key', col: 'x', where, params };
  }

  /**
   * Keys only the breakdowns have: 'process' (pid, labelled by its name), 'comm' (the name, '' for
   * "other"), 'container' (the container key, labelled by its path) and 'containerKey' (the key alone).
   */
  keyColumns(key: Key): KeyColumns | undefined {
    // A container's key from its name row: its label, else its cgroup path; '' for "other".
    const containerKey = `CASE WHEN g.a = 0 THEN '' WHEN n.container != '' THEN n.container ELSE n.path END`;
    const names = 'JOIN cgroup_names n ON n.name_key = g.a';
    if (key === 'process')
      return { inner: 'x.pid AS a, x.comm AS b', groupBy: 'a, b', outer: 'g.a AS k, g.b AS l', join: '' };
    if (key === 'comm') return plainKey(`CASE WHEN x.pid = 0 THEN '' ELSE x.comm END`);
    if (key === 'container')
      return { ...plainKey('x.name_key'), outer: `${containerKey} AS k, n.path AS l`, join: names };
    if (key === 'containerKey')
      return { ...plainKey('x.name_key'), outer: `${containerKey} AS k, NULL AS l`, join: names };
    return undefined;
  }

  /** Calls in a window that the agents of breakdown runs could not attribute (all syscalls). */
  async unattributed(w: Window, source: Breakdown): Promise<bigint> {
    const f = snapshotFilter(w, w.since, w.until);
    const [row] = await this.sql.all<{ u: bigint | null }>(
      `SELECT SUM(s.unattributed) AS u FROM snapshots s JOIN runs r ON r.run_id = s.run_id
        WHERE ${f.sql} AND ${runCarries(source)}`,
      ...f.params,
    );
    return row?.u ?? 0n;
  }
}
