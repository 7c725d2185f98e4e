import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';

/** What a query groups by. 'comm' and 'containerKey' key the detail rows without pids or paths (for diffs). */
export type Key = 'syscall' | 'host' | 'run' | 'process' | 'container' | 'comm' | 'containerKey' | 'errno';

/** Which rows answer: the host-wide deltas, one of the per-interval breakdowns, or the failed calls. */
export type Source = 'deltas' | 'processes' | 'cgroups' | 'failures' | 'latency';

export interface DetailFilter {
  pid: number;
  comm: string;
  container: string;
}

/** A container's key from its name row (alias n, key g.a): its label, else its cgroup path; '' for "other". */
const CONTAINER_KEY = `CASE WHEN g.a = 0 THEN '' WHEN n.container != '' THEN n.container ELSE n.path END`;

function invalid(message: string): never {
  throw new RpcException({ code: status.INVALID_ARGUMENT, message });
}

export function sourceOf(key: Key, f: DetailFilter, failed = false): Source {
  if (key === 'errno' && !failed) invalid('grouping by errno goes with failed calls');
  if (failed) {
    if (
      key === 'process' ||
      key === 'container' ||
      key === 'comm' ||
      key === 'containerKey' ||
      f.pid > 0 ||
      f.comm !== '' ||
      f.container !== ''
    ) {
      invalid('failed calls are counted per host (agent --errors), not per process or container');
    }
    return 'failures';
  }
  const processes = key === 'process' || key === 'comm' || f.pid > 0 || f.comm !== '';
  const cgroups = key === 'container' || key === 'containerKey' || f.container !== '';
  if (processes && cgroups) {
    invalid(
      'per-process and per-container rows are stored apart: a query cannot mix --pid/--comm/--by process with --container/--by container',
    );
  }
  return processes ? 'processes' : cgroups ? 'cgroups' : 'deltas';
}

/**
 * How rows are keyed, in two steps so the costly part runs once per group rather than once per
 * row: @inner groups the rows by plain columns (aliases a, b), @outer turns each group into its
 * key ('process' and 'container' carry a label after a NUL), joining cgroup names if needed.
 */
export function keyColumns(source: Source, key: Key): { inner: string; groupBy: string; outer: string; join: string } {
  const one = (col: string) => ({ inner: `${col} AS a`, groupBy: 'a', outer: 'g.a', join: '' });
  const names = 'JOIN cgroup_names n ON n.name_key = g.a';
  if (key === 'host') return one('s.host_id');
  if (key === 'run') return one('s.run_id');
  if (key === 'syscall') return one(source === 'deltas' ? 'd.nr' : 'x.nr');
  if (key === 'process')
    return { inner: 'x.pid AS a, x.comm AS b', groupBy: 'a, b', outer: `g.a || char(0) || g.b`, join: '' };
  if (key === 'comm') return one(`CASE WHEN x.pid = 0 THEN '' ELSE x.comm END`);
  if (key === 'errno') return one('x.errno_code');
  if (key === 'container') return { ...one('x.name_key'), outer: `${CONTAINER_KEY} || char(0) || n.path`, join: names };
  return { ...one('x.name_key'), outer: CONTAINER_KEY, join: names };
}

/**
 * The join from snapshots (alias s) to the rows of a source, and the conditions of the
 * detail filters and the drill-down syscall. The "other" rows never match a filter.
 */
export function sourceJoin(
  source: Source,
  f: DetailFilter,
  nr?: number,
  key?: Key,
): { join: string; where: string[]; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const col = source === 'deltas' ? 'd' : 'x';
  if (nr !== undefined) {
    where.push(`${col}.nr = ?`);
    params.push(nr);
  }
  if (source === 'deltas') return { join: 'JOIN deltas d ON d.snap_key = s.snap_key', where, params };
  if (source === 'failures') {
    // errno_code 0 rows hold every failure of a syscall; the others split them by errno.
    where.push(key === 'errno' ? 'x.errno_code > 0' : 'x.errno_code = 0');
    return { join: 'JOIN failure_deltas x ON x.snap_key = s.snap_key', where, params };
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
    return { join: 'JOIN process_counts x ON x.snap_key = s.snap_key', where, params };
  }
  if (f.container) {
    // A label ("docker:3f2a9c1b7d4e"), its bare id, a unit name or a cgroup path.
    where.push(
      `x.name_key IN (SELECT n.name_key FROM cgroup_names n WHERE n.name_key > 0 AND (n.container = ? OR n.path = ? OR (instr(n.container, ':') > 0 AND substr(n.container, instr(n.container, ':') + 1) = ?)))`,
    );
    params.push(f.container, f.container, f.container);
  }
  return { join: 'JOIN cgroup_counts x ON x.snap_key = s.snap_key', where, params };
}

/** Runs that carry a source's rows: the condition on runs (alias r). */
export function runsWith(source: Source): string {
  const column: Record<Source, string> = {
    deltas: '1',
    processes: 'r.process_top_k > 0',
    cgroups: 'r.cgroup_top_k > 0',
    failures: 'r.errors > 0',
    latency: 'r.latency > 0',
  };
  return column[source];
}

export function agentFlag(source: Source): string {
  const flag: Record<Source, string> = {
    deltas: 'counts',
    processes: 'per-process data (agent -P)',
    cgroups: 'per-cgroup data (agent -C)',
    failures: 'failed-call data (agent --errors)',
    latency: 'latency data (agent --latency)',
  };
  return flag[source];
}
