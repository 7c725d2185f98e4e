import { status } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  GroupBy,
  Host as HostMsg,
  Run as RunMsg,
  Scope,
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

  private where(scope: Scope | undefined, alias = 'ic'): Where {
    const parts: string[] = [];
    const params: Array<string | bigint> = [];
    if (scope?.hostId) {
      parts.push(`${alias}.host_id = ?`);
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
    const [span] = this.all<{ first: bigint | null; last: bigint | null }>(
      `SELECT MIN(r.started_ms) AS first, MAX(ic.time_ms) AS last
         FROM interval_counts ic JOIN runs r ON r.run_id = ic.run_id ${w.sql}`,
      ...w.params,
    );
    const arches = this.all<{ arch: string }>(
      `SELECT DISTINCT r.arch FROM runs r WHERE r.run_id IN (SELECT DISTINCT ic.run_id FROM interval_counts ic ${w.sql})`,
      ...w.params,
    );
    const since = BigInt(req.scope?.sinceUnixMs || '0');
    const first = span?.first ?? 0n;
    const limited = req.limit > 0 ? rows.slice(0, req.limit) : rows;
    return {
      rows: limited.map((r) =>
        by === GroupBy.GROUP_BY_SYSCALL
          ? { nr: Number(r.k) === OTHER_NR ? 0 : Number(r.k), hasNr: Number(r.k) !== OTHER_NR, key: '', count: String(r.c) }
          : { nr: 0, hasNr: false, key: String(r.k), count: String(r.c) },
      ),
      total: String(total),
      firstUnixMs: String(since > first ? since : first),
      lastUnixMs: String(span?.last ?? 0n),
      arch: arches.length === 1 ? arches[0].arch : '',
    };
  }
}
