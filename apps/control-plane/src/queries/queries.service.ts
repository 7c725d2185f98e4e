import { status } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  DiffRequest,
  DiffResponse,
  DiffSide,
  GroupBy,
  Host as HostMsg,
  Run as RunMsg,
  Scope,
  SeriesRequest,
  SeriesResponse,
  TopRequest,
  TopResponse,
} from '@syscall-counter/proto';
import { SQLITE, SqliteHandle } from '../database/sqlite.token';
import { OTHER_NR } from '../collection/snapshot-validation';

interface Where {
  sql: string;
  params: Array<string | bigint>;
}

/** History queries: plain SQL over the delta table, 64-bit sums kept as BigInt and sent as strings. */
@Injectable()
export class QueriesService {
  constructor(@Inject(SQLITE) private readonly db: SqliteHandle) {}

  private all<T>(sql: string, ...params: unknown[]): T[] {
    return this.db.prepare(sql).safeIntegers(true).all(...params) as T[];
  }

  private where(scope: Scope | undefined, alias = 'ic', hostAlias = alias): Where {
    const parts: string[] = [];
    const params: Array<string | bigint> = [];
    if (scope?.hostId) {
      parts.push(`${hostAlias}.host_id = ?`);
      params.push(scope.hostId);
    }
    if (scope?.runId) {
      parts.push(`${alias}.run_id = ?`);
      params.push(scope.runId);
    }
    if (scope && BigInt(scope.sinceUnixMs || '0') > 0n) {
      parts.push(`${alias}.time_ms >= ?`);
      params.push(BigInt(scope.sinceUnixMs));
    }
    if (scope && BigInt(scope.untilUnixMs || '0') > 0n) {
      parts.push(`${alias}.time_ms < ?`);
      params.push(BigInt(scope.untilUnixMs));
    }
    return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
  }

  private checkScope(scope: Scope | undefined): void {
    if (scope?.hostId && !this.all('SELECT 1 FROM hosts WHERE host_id = ?', scope.hostId).length) {
      throw new RpcException({ code: status.NOT_FOUND, message: `unknown host '${scope.hostId}'` });
    }
    if (scope?.runId && !this.all('SELECT 1 FROM runs WHERE run_id = ?', scope.runId).length) {
      throw new RpcException({ code: status.NOT_FOUND, message: `unknown run '${scope.runId}'` });
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
    if (hostId) this.checkScope({ hostId, runId: '', sinceUnixMs: '0', untilUnixMs: '0' });
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
    this.checkScope(req.scope);
    const w = this.where(req.scope);
    const by = req.by === GroupBy.GROUP_BY_UNSPECIFIED ? GroupBy.GROUP_BY_SYSCALL : req.by;
    const key = by === GroupBy.GROUP_BY_HOST ? 'ic.host_id' : by === GroupBy.GROUP_BY_RUN ? 'ic.run_id' : 'ic.nr';
    if (![GroupBy.GROUP_BY_SYSCALL, GroupBy.GROUP_BY_HOST, GroupBy.GROUP_BY_RUN].includes(by)) {
      throw new RpcException({ code: status.INVALID_ARGUMENT, message: `cannot group by ${by}` });
    }
    const rows = this.all<{ k: bigint | string; c: bigint }>(
      `SELECT ${key} AS k, SUM(ic.count) AS c FROM interval_counts ic ${w.sql} GROUP BY ${key} ORDER BY c DESC, k`,
      ...w.params,
    );
    const total = rows.reduce((s, r) => s + r.c, 0n);
    const { first, last, arch } = this.span(req.scope);
    const limited = req.limit > 0 ? rows.slice(0, req.limit) : rows;
    return {
      rows: limited.map((r) =>
        by === GroupBy.GROUP_BY_SYSCALL
          ? { nr: Number(r.k) === OTHER_NR ? 0 : Number(r.k), hasNr: Number(r.k) !== OTHER_NR, key: '', count: String(r.c) }
          : { nr: 0, hasNr: false, key: String(r.k), count: String(r.c) },
      ),
      total: String(total),
      firstUnixMs: String(first),
      lastUnixMs: String(last),
      arch,
    };
  }

  /**
   * Time the data of a scope covers, and its arch. Each snapshot's delta covers the time since the
   * run's previous snapshot (or its start), so the span runs from there to the last snapshot: rates
   * over a window are then exact, however the window cuts the agents' intervals.
   */
  private span(scope: Scope | undefined): { first: bigint; last: bigint; arch: string } {
    const w = this.where(scope, 's', 'r');
    const [span] = this.all<{ first: bigint | null; last: bigint | null; arches: string | null; n: bigint }>(
      `SELECT MIN(COALESCE((SELECT MAX(p.time_ms) FROM snapshots p WHERE p.run_id = x.run_id AND p.seq < x.seq), r.started_ms)) AS first,
              MAX(x.last) AS last, COUNT(DISTINCT r.arch) AS n, MIN(r.arch) AS arches
         FROM (SELECT s.run_id, MIN(s.seq) AS seq, MAX(s.time_ms) AS last
                 FROM snapshots s JOIN runs r ON r.run_id = s.run_id ${w.sql} GROUP BY s.run_id) x
         JOIN runs r ON r.run_id = x.run_id`,
      ...w.params,
    );
    return { first: span?.first ?? 0n, last: span?.last ?? 0n, arch: span?.n === 1n ? String(span.arches) : '' };
  }

  private bySyscall(scope: Scope | undefined): Map<number, bigint> {
    const w = this.where(scope);
    const rows = this.all<{ nr: bigint; c: bigint }>(`SELECT ic.nr AS nr, SUM(ic.count) AS c FROM interval_counts ic ${w.sql} GROUP BY ic.nr`, ...w.params);
    return new Map(rows.map((r) => [Number(r.nr), r.c]));
  }

  series(req: SeriesRequest): SeriesResponse {
    this.checkScope(req.scope);
    const { first, last, arch } = this.span(req.scope);
    const empty: SeriesResponse = { startUnixMs: String(first), bucketMs: '0', buckets: 0, lines: [], totals: [], arch };
    if (last === 0n) return empty;
    const width = last - first;
    let bucket = BigInt(req.bucketMs || '0');
    if (bucket === 0n) bucket = ((width / 60n + 999n) / 1000n) * 1000n || 1000n;
    if (bucket < 1000n) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'bucket must be at least 1 s' });
    // Bucket i holds the snapshots taken in (start + i*bucket, start + (i+1)*bucket]: the calls of the time before each.
    const buckets = width > 0n ? Number((width - 1n) / bucket) + 1 : 1;
    if (buckets > 10000) throw new RpcException({ code: status.INVALID_ARGUMENT, message: `${buckets} buckets is too many: use a bucket of at least ${width / 10000n + 1n} ms` });
    const w = this.where(req.scope);
    const rows = this.all<{ nr: bigint; b: bigint; c: bigint }>(
      `SELECT ic.nr AS nr, MAX((ic.time_ms - ? - 1) / ?, 0) AS b, SUM(ic.count) AS c FROM interval_counts ic ${w.sql} GROUP BY ic.nr, b`,
      first,
      bucket,
      ...w.params,
    );
    const perNr = new Map<number, bigint>();
    const totals = new Array<bigint>(buckets).fill(0n);
    for (const r of rows) {
      perNr.set(Number(r.nr), (perNr.get(Number(r.nr)) ?? 0n) + r.c);
      totals[Number(r.b)] += r.c;
    }
    const top = [...perNr.entries()].sort((a, b) => (a[1] === b[1] ? a[0] - b[0] : a[1] < b[1] ? 1 : -1)).slice(0, req.top || 5).map(([nr]) => nr);
    const lines = top.map((nr) => {
      const counts = new Array<bigint>(buckets).fill(0n);
      for (const r of rows) if (Number(r.nr) === nr) counts[Number(r.b)] += r.c;
      return { nr: nr === OTHER_NR ? 0 : nr, hasNr: nr !== OTHER_NR, counts: counts.map(String) };
    });
    return { startUnixMs: String(first), bucketMs: String(bucket), buckets, lines, totals: totals.map(String), arch };
  }

  diff(req: DiffRequest): DiffResponse {
    this.checkScope(req.a);
    this.checkScope(req.b);
    const side = (scope: Scope | undefined, counts: Map<number, bigint>): DiffSide => {
      const { first, last, arch } = this.span(scope);
      return { firstUnixMs: String(first), lastUnixMs: String(last), total: String([...counts.values()].reduce((s, c) => s + c, 0n)), arch };
    };
    const a = this.bySyscall(req.a);
    const b = this.bySyscall(req.b);
    const nrs = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
    return {
      a: side(req.a, a),
      b: side(req.b, b),
      rows: nrs.map((nr) => ({ nr: nr === OTHER_NR ? 0 : nr, hasNr: nr !== OTHER_NR, countA: String(a.get(nr) ?? 0n), countB: String(b.get(nr) ?? 0n) })),
    };
  }
}
