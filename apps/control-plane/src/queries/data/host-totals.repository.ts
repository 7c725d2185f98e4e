import { Injectable } from '@nestjs/common';
import { CLOCK_SKEW_MS } from '../../collection/snapshot-validation';
import { SqlRunner } from '../../database/sql-runner';
import { NEVER, Window } from '../scope-window';
import { KeyedCount } from './counts.repository';
import { hostFilter } from './snapshot-sql';

/** The hosts of a scope, and the all-time sums of those whose whole history a window covers. */
export interface WholeHosts {
  /** Hosts with history outside the window (answered from the rollups and raw rows). */
  partial: string[];
  /** How many hosts the window covers whole. */
  whole: number;
  /** Sums per key over the covered hosts, from host_totals. */
  rows: KeyedCount[];
}

/**
 * Hosts whose whole history lies inside a window, answered from their all-time totals
 * (host_totals, kept by ingest with the deltas, never expired): one row per syscall and host
 * however long the history, where the hourly rollups of 7 days × 20 hosts are 200,000 rows.
 */
@Injectable()
export class HostTotalsRepository {
  constructor(private readonly sql: SqlRunner) {}

  /**
   * In one statement (one state of the store), each host of @w (none named: every host) and, if
   * every delta it ever stored falls in [since, until), its totals keyed by syscall or host.
   * Evidence that none falls before since: since is at or before its first run's start less the
   * clock skew ingest accepts (runs are never expired); or no snapshot of it is stored before since
   * and none has expired (its first run started, less the skew, at or after the raw mark @rawMark).
   * That none falls at or after until: no snapshot of it there (the caller asks only when raw
   * rows from until on are all kept: until at or after the raw mark).
   */
  async whole(w: Window, key: 'syscall' | 'host', rawMark: bigint): Promise<WholeHosts> {
    const skew = BigInt(CLOCK_SKEW_MS);
    const cond: string[] = [];
    const params: unknown[] = [];
    const stored = 'SELECT 1 FROM snapshots s WHERE s.host_id = h.host_id AND s.time_ms';
    if (w.since > 0n) {
      cond.push(`(f.first >= ? OR (f.first >= ? AND NOT EXISTS (${stored} < ?)))`);
      params.push(w.since + skew, rawMark + skew, w.since);
    }
    if (w.until !== NEVER) {
      cond.push(`NOT EXISTS (${stored} >= ?)`);
      params.push(w.until);
    }
    const hosts = hostFilter('h.host_id', w.hostIds);
    const nr = w.nr === undefined ? '' : ' AND t.nr = ?';
    // Each host's coverage once (MATERIALIZED: SQLite would otherwise inline it into the join and
    // evaluate it again for every totals row), then the covered hosts' totals.
    const rows = await this.sql.all<{ host: string; whole: bigint; nr: bigint | null; c: bigint | null }>(
      `WITH c AS MATERIALIZED (
         SELECT h.host_id, CASE WHEN ${cond.length ? cond.join(' AND ') : '1 = 1'} THEN 1 ELSE 0 END AS whole
           FROM hosts h LEFT JOIN (SELECT host_id, MIN(started_ms) AS first FROM runs GROUP BY host_id) f
             ON f.host_id = h.host_id${hosts ? ` WHERE ${hosts.sql}` : ''})
       SELECT c.host_id AS host, c.whole AS whole, t.nr AS nr, t.count AS c
         FROM c LEFT JOIN host_totals t ON c.whole = 1 AND t.host_id = c.host_id${nr}`,
      ...params,
      ...(hosts?.params ?? []),
      ...(w.nr === undefined ? [] : [w.nr]),
    );
    const partial = new Set<string>();
    const whole = new Set<string>();
    const sums = new Map<string, KeyedCount>();
    for (const r of rows) {
      if (Number(r.whole) !== 1) partial.add(r.host);
      else whole.add(r.host);
      if (Number(r.whole) === 1 && r.nr !== null && r.c !== null) {
        const k = key === 'host' ? r.host : String(r.nr);
        const s = sums.get(k) ?? { k: key === 'host' ? r.host : r.nr, l: null, c: 0n };
        s.c += BigInt(r.c);
        sums.set(k, s);
      }
    }
    return { partial: [...partial], whole: whole.size, rows: [...sums.values()] };
  }
}
