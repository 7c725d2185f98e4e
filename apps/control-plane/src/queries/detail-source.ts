import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';

/** What a query groups by. 'comm' and 'containerKey' key the detail rows without pids or paths (for diffs). */
export type Key = 'syscall' | 'host' | 'run' | 'process' | 'container' | 'comm' | 'containerKey';

/** Which rows answer: the host-wide deltas, or one of the per-interval breakdowns. */
export type Source = 'deltas' | 'processes' | 'cgroups';

export interface DetailFilter {
  pid: number;
  comm: string;
  container: string;
}

/** A container's key: its label, else its cgroup path; '' for the rest of the calls ("other"). */
const CONTAINER_KEY = `CASE WHEN x.name_key = 0 THEN '' WHEN n.container != '' THEN n.container ELSE n.path END`;

export function sourceOf(key: Key, f: DetailFilter): Source {
  const processes = key === 'process' || key === 'comm' || f.pid > 0 || f.comm !== '';
  const cgroups = key === 'container' || key === 'containerKey' || f.container !== '';
  if (processes && cgroups) {
    throw new RpcException({
      code: status.INVALID_ARGUMENT,
      message: 'per-process and per-container rows are stored apart: a query cannot mix --pid/--comm/--by process with --container/--by container',
    });
  }
  return processes ? 'processes' : cgroups ? 'cgroups' : 'deltas';
}

/** The column that keys each row; 'process' and 'container' carry a label after a NUL. */
export function keyColumn(source: Source, key: Key): string {
  if (key === 'host') return 's.host_id';
  if (key === 'run') return 's.run_id';
  if (key === 'syscall') return source === 'deltas' ? 'd.nr' : 'x.nr';
  if (key === 'process') return `x.pid || char(0) || x.comm`;
  if (key === 'comm') return `CASE WHEN x.pid = 0 THEN '' ELSE x.comm END`;
  if (key === 'container') return `${CONTAINER_KEY} || char(0) || n.path`;
  return CONTAINER_KEY;
}

/**
 * The join from snapshots (alias s) to the rows of a source, and the conditions of the
 * detail filters and the drill-down syscall. The "other" rows never match a filter.
 */
export function sourceJoin(source: Source, f: DetailFilter, nr?: number): { join: string; where: string[]; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const col = source === 'deltas' ? 'd' : 'x';
  if (nr !== undefined) {
    where.push(`${col}.nr = ?`);
    params.push(nr);
  }
  if (source === 'deltas') return { join: 'JOIN deltas d ON d.snap_key = s.snap_key', where, params };
  if (source === 'processes') {
    if (f.pid > 0) {
      where.push('x.pid = ?');
      params.push(f.pid);
    }
    if (f.comm) {
      where.push('x.pid > 0 AND x.comm = ?');
      params.push(f.comm);
    }
    return { join: 'JOIN process_counts x ON x.snap_key = s.snap_key', where, params };
  }
  if (f.container) {
    // A label ("docker:3f2a9c1b7d4e"), its bare id, a unit name or a cgroup path.
    where.push(`x.name_key > 0 AND (n.container = ? OR n.path = ? OR (instr(n.container, ':') > 0 AND substr(n.container, instr(n.container, ':') + 1) = ?))`);
    params.push(f.container, f.container, f.container);
  }
  return { join: 'JOIN cgroup_counts x ON x.snap_key = s.snap_key JOIN cgroup_names n ON n.name_key = x.name_key', where, params };
}

/** Runs that carry a source's rows: the condition on runs (alias r). */
export function runsWith(source: Source): string {
  return source === 'processes' ? 'r.process_top_k > 0' : source === 'cgroups' ? 'r.cgroup_top_k > 0' : '1';
}

export function agentFlag(source: Source): string {
  return source === 'processes' ? 'per-process data (agent -P)' : 'per-cgroup data (agent -C)';
}
