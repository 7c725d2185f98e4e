import { status } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  DiffRequest,
  DiffResponse,
  DiffSide,
  GroupBy,
  Host as HostMsg,
  LatencyRequest,
  LatencyResponse,
  Run as RunMsg,
  Scope,
  SeriesRequest,
  SeriesResponse,
  TopRequest,
  TopResponse,
} from '@syscall-counter/proto';
import { SQLITE, SqliteHandle } from '../database/sqlite.token';
import { HOUR_MS } from '../collection/snapshot-validation';
import { TOTAL_NS_BUCKET, UNRETURNED_BUCKET } from '../collection/latency-delta.entity';
import { agentFlag, DetailFilter, Key, keyColumns, runsWith, Source, sourceJoin, sourceOf } from './detail-source';

const KEY_OF: Partial<Record<GroupBy, Key>> = {
  [GroupBy.GROUP_BY_UNSPECIFIED]: 'syscall',
  [GroupBy.GROUP_BY_SYSCALL]: 'syscall',
  [GroupBy.GROUP_BY_HOST]: 'host',
  [GroupBy.GROUP_BY_RUN]: 'run',
  [GroupBy.GROUP_BY_PROCESS]: 'process',
  [GroupBy.GROUP_BY_CONTAINER]: 'container',
  [GroupBy.GROUP_BY_ERRNO]: 'errno',
};

/** Diffs key detail rows by name: pids and cgroup paths do not carry across runs and days. */
const DIFF_KEY_OF: Partial<Record<GroupBy, Key>> = {
  [GroupBy.GROUP_BY_UNSPECIFIED]: 'syscall',
  [GroupBy.GROUP_BY_SYSCALL]: 'syscall',
  [GroupBy.GROUP_BY_PROCESS]: 'comm',
  [GroupBy.GROUP_BY_CONTAINER]: 'containerKey',
};

const NEVER = 1n << 62n;

/** A scope with its window resolved: [since, until) in unix ms, unbounded sides as 0 and NEVER. */
interface Window {
  hostId: string;
  runId: string;
  since: bigint;
  until: bigint;
  bounded: boolean;
  /** Drill-down to one syscall (OTHER_NR for the other bucket). */
  nr?: number;
  filter: DetailFilter;
}

function windowOf(scope: Scope | undefined, nr?: number): Window {
  const since = BigInt(scope?.sinceUnixMs || '0');
  const until = BigInt(scope?.untilUnixMs || '0');
  return {
    hostId: scope?.hostId ?? '',
    runId: scope?.runId ?? '',
    since,
    until: until > 0n ? until : NEVER,
    bounded: since > 0n || until > 0n,
    nr,
    filter: { pid: scope?.pid ?? 0, comm: scope?.comm ?? '', container: scope?.container ?? '' },
  };
}

/**
 * History queries, answered from the cheapest exact source: a whole run from its totals;
 * whole hours from the hourly rollups; the rest (partial hours, single runs, series)
 * from the per-interval deltas. 64-bit sums stay BigInt and leave as strings.
 */
@Injectable()
export class QueriesService {
  constructor(@Inject(SQLITE) private readonly db: SqliteHandle) {}

  private all<T>(sql: string, ...params: unknown[]): T[] {
    return this.db
      .prepare(sql)
      .safeIntegers(true)
      .all(...params) as T[];
  }

  private checkScope(scope: Scope | undefined): void {
    if (scope?.hostId && !this.all('SELECT 1 FROM hosts WHERE host_id = ?', scope.hostId).length) {
      throw new RpcException({ code: status.NOT_FOUND, message: `unknown host '${scope.hostId}'` });
    }
    if (scope?.runId && !this.all('SELECT 1 FROM runs WHERE run_id = ?', scope.runId).length) {
      throw new RpcException({ code: status.NOT_FOUND, message: `unknown run '${scope.runId}'` });
    }
    if (scope && (scope.comm.length > 15 || scope.container.length > 4096)) {
      throw new RpcException({
        code: status.INVALID_ARGUMENT,
        message: 'comm is at most 15 bytes and container at most 4096',
      });
    }
  }

  /** A breakdown query over runs none of which carry the breakdown would answer "nothing": say why instead. */
  private checkDetail(scope: Scope | undefined, source: Source): void {
    if (source === 'deltas') return;
    const w = windowOf(scope);
    const filter = [runsWith(source), w.hostId ? 'r.host_id = ?' : '', w.runId ? 'r.run_id = ?' : ''].filter(Boolean);
    if (
      !this.all(
        `SELECT 1 FROM runs r WHERE ${filter.join(' AND ')} LIMIT 1`,
        ...(w.hostId ? [w.hostId] : []),
        ...(w.runId ? [w.runId] : []),
      ).length
    ) {
      const what = w.runId ? `run '${w.runId}'` : w.hostId ? `host '${w.hostId}'` : 'any host';
      throw new RpcException({
        code: status.FAILED_PRECONDITION,
        message: `no run of ${what} was streamed with ${agentFlag(source)}`,
      });
    }
  }

  listHosts(): HostMsg[] {
    const rows = this.all<Record<string, bigint | string>>(`
      SELECT h.host_id, h.hostname, h.kernel_release, h.arch, h.first_seen_ms, h.last_seen_ms,
             (SELECT COUNT(*) FROM runs r WHERE r.host_id = h.host_id) AS runs,
             (SELECT COALESCE(SUM(t.count), 0) FROM run_totals t JOIN runs r ON r.run_id = t.run_id
               WHERE r.host_id = h.host_id) AS total
        FROM hosts h ORDER BY h.host_id`);
    return rows.map((r) => ({
      hostId: String(r.host_id),
      hostname: String(r.hostname),
      kernelRelease: String(r.kernel_release),
      arch: String(r.arch),
      firstSeenUnixMs: String(r.first_seen_ms),
      lastSeenUnixMs: String(r.last_seen_ms),
      runs: Number(r.runs),
      total: String(r.total),
    }));
  }

  listRuns(hostId: string): RunMsg[] {
    if (hostId)
      this.checkScope({ hostId, runId: '', sinceUnixMs: '0', untilUnixMs: '0', pid: 0, comm: '', container: '' });
    const rows = this.all<Record<string, bigint | string>>(
      `SELECT r.*, (SELECT COALESCE(SUM(t.count), 0) FROM run_totals t WHERE t.run_id = r.run_id) AS total
         FROM runs r ${hostId ? 'WHERE r.host_id = ?' : ''} ORDER BY r.started_ms, r.run_id`,
      ...(hostId ? [hostId] : []),
    );
    return rows.map((r) => ({
      runId: String(r.run_id),
      hostId: String(r.host_id),
      hostname: String(r.hostname),
      scope: String(r.scope),
      mapMode: String(r.map_mode),
      intervalMs: Number(r.interval_ms),
      startedUnixMs: String(r.started_ms),
      lastSeenUnixMs: String(r.last_seen_ms),
      lastSeq: String(r.last_seq),
      total: String(r.total),
      finished: r.finished === 1n,
      arch: String(r.arch),
    }));
  }

  top(req: TopRequest): TopResponse {
    const key = KEY_OF[req.by];
    if (!key) throw new RpcException({ code: status.INVALID_ARGUMENT, message: `cannot group by ${req.by}` });
    this.checkScope(req.scope);
    const w = windowOf(req.scope, req.syscallNr);
    const source = sourceOf(key, w.filter, req.failed);
    this.checkDetail(req.scope, source);
    const counts = this.counts(w, key, source);
    const rows = [...counts.entries()].sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? 1 : -1));
    const total = rows.reduce((s, [, c]) => s + c, 0n);
    const { first, last, arch } = this.span(req.scope, source);
    const limited = req.limit > 0 ? rows.slice(0, req.limit) : rows;
    return {
      rows: limited.map(([k, c]) => {
        if (key === 'syscall')
          return {
            nr: Number(k),
            key: '',
            count: String(c),
            label: '',
          };
        if (key === 'process' || key === 'container') {
          const [id, label] = String(k).split('\u0000');
          return {
            nr: 0,
            key: id,
            count: String(c),
            label: key === 'container' && id === '' ? 'other' : label,
          };
        }
        return { nr: 0, key: String(k), count: String(c), label: '' };
      }),
      total: String(total),
      firstUnixMs: String(first),
      lastUnixMs: String(last),
      arch,
      unattributed: String(source === 'processes' || source === 'cgroups' ? this.unattributed(w, source) : 0n),
    };
  }

  /** Calls in a window that the agents of breakdown runs could not attribute (all syscalls). */
  private unattributed(w: Window, source: Source): bigint {
    const { sql, params } = this.snapshotFilter(w, w.since, w.until);
    const [row] = this.all<{ u: bigint | null }>(
      `SELECT SUM(s.unattributed) AS u FROM snapshots s JOIN runs r ON r.run_id = s.run_id WHERE ${sql} AND ${runsWith(source)}`,
      ...params,
    );
    return row?.u ?? 0n;
  }

  /** Sums per key over a window; exact whichever source answers. */
  private counts(w: Window, key: Key, source: Source): Map<number | string, bigint> {
    const out = new Map<number | string, bigint>();
    const add = (rows: Array<{ k: bigint | string; c: bigint }>) => {
      for (const r of rows) {
        const k = typeof r.k === 'bigint' ? Number(r.k) : r.k;
        out.set(k, (out.get(k) ?? 0n) + r.c);
      }
    };
    // Breakdowns have no rollups: their rows are already bounded to K per snapshot.
    if (source !== 'deltas') {
      add(this.fromRows(w, key, source, w.since, w.until));
      return out;
    }
    const nrFilter = (col: string) => (w.nr === undefined ? '' : ` AND ${col} = ${Number(w.nr)}`);
    if (w.runId && !w.bounded) {
      const k = key === 'syscall' ? 't.nr' : key === 'host' ? 'r.host_id' : 't.run_id';
      add(
        this.all(
          `SELECT ${k} AS k, SUM(t.count) AS c FROM run_totals t JOIN runs r ON r.run_id = t.run_id WHERE t.run_id = ?${nrFilter('t.nr')} GROUP BY k`,
          w.runId,
        ),
      );
      return out;
    }
    // Whole hours inside the window come from the rollups, when the rollups can answer.
    const h0 = ((w.since + HOUR_MS - 1n) / HOUR_MS) * HOUR_MS;
    const h1 = w.until === NEVER ? NEVER : (w.until / HOUR_MS) * HOUR_MS;
    if (w.runId || key === 'run' || h0 >= h1) {
      add(this.fromRows(w, key, source, w.since, w.until));
      return out;
    }
    const k = key === 'syscall' ? 'nr' : 'host_id';
    add(
      this.all(
        `SELECT ${k} AS k, SUM(count) AS c FROM hourly_counts WHERE hour_ms >= ? AND hour_ms < ? ${w.hostId ? 'AND host_id = ?' : ''}${nrFilter('nr')} GROUP BY k`,
        h0,
        h1,
        ...(w.hostId ? [w.hostId] : []),
      ),
    );
    if (w.since < h0) add(this.fromRows(w, key, source, w.since, h0));
    if (h1 < w.until) add(this.fromRows(w, key, source, h1, w.until));
    return out;
  }

  /** Sums from the per-snapshot rows of a source: host-wide deltas, or the per-process or per-cgroup breakdown. */
  private fromRows(
    w: Window,
    key: Key,
    source: Source,
    since: bigint,
    until: bigint,
  ): Array<{ k: bigint | string; c: bigint }> {
    const { sql, params } = this.snapshotFilter(w, since, until);
    const j = sourceJoin(source, w.filter, w.nr, key);
    // Name the index: grouping by host would otherwise tempt SQLite into walking the whole
    // (host, time) index to skip a sort, reading every snapshot ever stored.
    const index = w.runId ? 'idx_snapshots_run_time' : w.hostId ? 'idx_snapshots_host_time' : 'idx_snapshots_time';
    const k = keyColumns(source, key);
    return this.all(
      `SELECT ${k.outer} AS k, SUM(g.c) AS c
         FROM (SELECT ${k.inner}, SUM(${source === 'deltas' ? 'd' : 'x'}.count) AS c
                 FROM snapshots s INDEXED BY ${index} ${j.join}
                WHERE ${[sql, ...j.where].join(' AND ')} GROUP BY ${k.groupBy}) g ${k.join}
        GROUP BY k`,
      ...params,
      ...j.params,
    );
  }

  private snapshotFilter(w: Window, since: bigint, until: bigint): { sql: string; params: Array<string | bigint> } {
    const parts = ['s.time_ms >= ?', 's.time_ms < ?'];
    const params: Array<string | bigint> = [since, until];
    if (w.hostId) {
      parts.push('s.host_id = ?');
      params.push(w.hostId);
    }
    if (w.runId) {
      parts.push('s.run_id = ?');
      params.push(w.runId);
    }
    return { sql: parts.join(' AND '), params };
  }

  /**
   * Time the data of a scope covers, and its arch. Each snapshot's delta covers the time since the
   * run's previous snapshot (or its start), so the span runs from there to the last snapshot: rates
   * over a window are then exact, however the window cuts the agents' intervals. Index seeks per run.
   */
  private span(scope: Scope | undefined, source: Source = 'deltas'): { first: bigint; last: bigint; arch: string } {
    const w = windowOf(scope);
    const filter = [
      w.hostId ? 'r.host_id = ?' : '',
      w.runId ? 'r.run_id = ?' : '',
      source === 'deltas' ? '' : runsWith(source),
    ].filter(Boolean);
    const [span] = this.all<{ first: bigint | null; last: bigint | null; arch: string | null; n: bigint }>(
      `SELECT MIN(COALESCE((SELECT MAX(p.time_ms) FROM snapshots p WHERE p.run_id = x.run_id AND p.time_ms < x.first_t), x.started_ms)) AS first,
              MAX(x.last_t) AS last, COUNT(DISTINCT x.arch) AS n, MIN(x.arch) AS arch
         FROM (SELECT r.run_id, r.started_ms, r.arch,
                      (SELECT MIN(s.time_ms) FROM snapshots s WHERE s.run_id = r.run_id AND s.time_ms >= ? AND s.time_ms < ?) AS first_t,
                      (SELECT MAX(s.time_ms) FROM snapshots s WHERE s.run_id = r.run_id AND s.time_ms >= ? AND s.time_ms < ?) AS last_t
                 FROM runs r ${filter.length ? `WHERE ${filter.join(' AND ')}` : ''}) x
        WHERE x.first_t IS NOT NULL`,
      w.since,
      w.until,
      w.since,
      w.until,
      ...(w.hostId ? [w.hostId] : []),
      ...(w.runId ? [w.runId] : []),
    );
    return { first: span?.first ?? 0n, last: span?.last ?? 0n, arch: span?.n === 1n ? String(span.arch) : '' };
  }

  series(req: SeriesRequest): SeriesResponse {
    this.checkScope(req.scope);
    const w = windowOf(req.scope);
    const source = sourceOf('syscall', w.filter);
    this.checkDetail(req.scope, source);
    const { first, last, arch } = this.span(req.scope, source);
    const empty: SeriesResponse = {
      startUnixMs: String(first),
      bucketMs: '0',
      buckets: 0,
      lines: [],
      totals: [],
      arch,
    };
    if (last === 0n) return empty;
    const width = last - first;
    let bucket = BigInt(req.bucketMs || '0');
    if (bucket === 0n) bucket = ((width / 60n + 999n) / 1000n) * 1000n || 1000n;
    if (bucket < 1000n)
      throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'bucket must be at least 1 s' });
    // Bucket i holds the snapshots taken in (start + i*bucket, start + (i+1)*bucket]: the calls of the time before each.
    const buckets = width > 0n ? Number((width - 1n) / bucket) + 1 : 1;
    if (buckets > 10000)
      throw new RpcException({
        code: status.INVALID_ARGUMENT,
        message: `${buckets} buckets is too many: use a bucket of at least ${width / 10000n + 1n} ms`,
      });
    const { sql, params } = this.snapshotFilter(w, w.since, w.until);
    const j = sourceJoin(source, w.filter);
    const col = source === 'deltas' ? 'd' : 'x';
    const rows = this.all<{ nr: bigint; b: bigint; c: bigint }>(
      `SELECT ${col}.nr AS nr, MAX((s.time_ms - ? - 1) / ?, 0) AS b, SUM(${col}.count) AS c
         FROM snapshots s ${j.join} WHERE ${[sql, ...j.where].join(' AND ')} GROUP BY ${col}.nr, b`,
      first,
      bucket,
      ...params,
      ...j.params,
    );
    const perNr = new Map<number, bigint>();
    const totals = new Array<bigint>(buckets).fill(0n);
    for (const r of rows) {
      perNr.set(Number(r.nr), (perNr.get(Number(r.nr)) ?? 0n) + r.c);
      totals[Number(r.b)] += r.c;
    }
    const top = [...perNr.entries()]
      .sort((a, b) => (a[1] === b[1] ? a[0] - b[0] : a[1] < b[1] ? 1 : -1))
      .slice(0, req.top || 5)
      .map(([nr]) => nr);
    const lines = top.map((nr) => {
      const counts = new Array<bigint>(buckets).fill(0n);
      for (const r of rows) if (Number(r.nr) === nr) counts[Number(r.b)] += r.c;
      return { nr, counts: counts.map(String) };
    });
    return { startUnixMs: String(first), bucketMs: String(bucket), buckets, lines, totals: totals.map(String), arch };
  }

  diff(req: DiffRequest): DiffResponse {
    const key = DIFF_KEY_OF[req.by];
    if (!key) throw new RpcException({ code: status.INVALID_ARGUMENT, message: `cannot diff by ${req.by}` });
    if (key === 'syscall' && req.syscallNr !== undefined) {
      throw new RpcException({
        code: status.INVALID_ARGUMENT,
        message: 'a syscall drill-down goes with a diff by process or container',
      });
    }
    this.checkScope(req.a);
    this.checkScope(req.b);
    const side = (scope: Scope | undefined): { side: DiffSide; counts: Map<number | string, bigint> } => {
      const w = windowOf(scope, req.syscallNr);
      const source = sourceOf(key, w.filter);
      this.checkDetail(scope, source);
      const counts = this.counts(w, key, source);
      const { first, last, arch } = this.span(scope, source);
      return {
        side: {
          firstUnixMs: String(first),
          lastUnixMs: String(last),
          total: String([...counts.values()].reduce((s, c) => s + c, 0n)),
          arch,
        },
        counts,
      };
    };
    const a = side(req.a);
    const b = side(req.b);
    const keys = [...new Set([...a.counts.keys(), ...b.counts.keys()])];
    const row = (k: number | string) => ({
      countA: String(a.counts.get(k) ?? 0n),
      countB: String(b.counts.get(k) ?? 0n),
    });
    if (key !== 'syscall') {
      return {
        a: a.side,
        b: b.side,
        rows: keys
          .map(String)
          .sort()
          .map((k) => ({ nr: 0, key: k, ...row(k) })),
      };
    }
    return {
      a: a.side,
      b: b.side,
      rows: keys
        .map(Number)
        .sort((x, y) => x - y)
        .map((nr) => ({ nr, key: '', ...row(nr) })),
    };
  }

  /** Per syscall: calls per log2 bucket, total time and unreturned calls, summed over the scope. */
  latency(req: LatencyRequest): LatencyResponse {
    this.checkScope(req.scope);
    this.checkDetail(req.scope, 'latency');
    const w = windowOf(req.scope, req.syscallNr);
    const { sql, params } = this.snapshotFilter(w, w.since, w.until);
    const index = w.runId ? 'idx_snapshots_run_time' : w.hostId ? 'idx_snapshots_host_time' : 'idx_snapshots_time';
    const rows = this.all<{ nr: bigint; bucket: bigint; c: bigint }>(
      `SELECT x.nr AS nr, x.bucket AS bucket, SUM(x.count) AS c
         FROM snapshots s INDEXED BY ${index} JOIN latency_deltas x ON x.snap_key = s.snap_key
        WHERE ${sql}${w.nr === undefined ? '' : ' AND x.nr = ?'} GROUP BY x.nr, x.bucket`,
      ...params,
      ...(w.nr === undefined ? [] : [w.nr]),
    );
    const bySyscall = new Map<number, { totalNs: bigint; unreturned: bigint; buckets: bigint[] }>();
    for (const r of rows) {
      const nr = Number(r.nr);
      const row = bySyscall.get(nr) ?? { totalNs: 0n, unreturned: 0n, buckets: new Array<bigint>(64).fill(0n) };
      bySyscall.set(nr, row);
      const b = Number(r.bucket);
      if (b === TOTAL_NS_BUCKET) row.totalNs += r.c;
      else if (b === UNRETURNED_BUCKET) row.unreturned += r.c;
      else row.buckets[b] += r.c;
    }
    const { first, last, arch } = this.span(req.scope, 'latency');
    return {
      rows: [...bySyscall.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([nr, r]) => ({
          nr,
          totalNs: String(r.totalNs),
          unreturned: String(r.unreturned),
          buckets: r.buckets.map(String),
        })),
      firstUnixMs: String(first),
      lastUnixMs: String(last),
      arch,
    };
  }
}
