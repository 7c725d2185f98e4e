import { Injectable } from '@nestjs/common';
import { SqlRunner } from '../../database/sql-runner';
import type { Key, Window } from '../scope-window';
import { Breakdown, BreakdownsRepository } from './breakdowns.repository';
import { Fragment, hostFilter, KeyColumns, plainKey } from './snapshot-sql';

/** The sources with rollups, and their tables (all keyed (time, host_id, ...)). */
export type RollupSource = 'deltas' | 'processes' | 'cgroups';

/** A rollup's granularity: hours (kept SC_RETAIN_HOURLY) or ten minutes (kept with the raw rows). */
export type Grain = 'hour' | 'tenMinutes';

const TABLE: Record<RollupSource, Record<Grain, string>> = {
  deltas: { hour: 'hourly_counts', tenMinutes: 'ten_minute_counts' },
  processes: { hour: 'hourly_process_counts', tenMinutes: 'ten_minute_process_counts' },
  cgroups: { hour: 'hourly_cgroup_counts', tenMinutes: 'ten_minute_cgroup_counts' },
};

/** Where the hours of each source's rollups are listed: the host-wide ones' packed rows (a row per hour and host). */
const HOURS_OF: Record<RollupSource, string> = {
  deltas: 'packed_hourly_counts',
  processes: TABLE.processes.hour,
  cgroups: TABLE.cgroups.hour,
};

/** A rollup table and its time column (the start of each row's hour or ten minutes). */
export function rollupTable(source: RollupSource, grain: Grain): { table: string; time: string } {
  return { table: TABLE[source][grain], time: grain === 'hour' ? 'hour_ms' : 'bucket_ms' };
}

/**
 * Whole hours (or ten minutes) of the per-process and per-cgroup rows, from their rollups (written
 * by ingest with the raw rows; the hourly ones kept after the raw rows expire), grouped like the raw
 * rows (alias x: the rollups carry the same pid, comm, name_key and nr columns); and the hours a
 * scope's rollups cover.
 */
@Injectable()
export class RollupsRepository {
  constructor(
    private readonly sql: SqlRunner,
    private readonly breakdowns: BreakdownsRepository,
  ) {}

  /** Whether a grouping of a source can be answered from its rollups (not per run: they are per host). */
  static answers(source: string, key: Key): source is RollupSource {
    if (key === 'syscall' || key === 'host') return source in TABLE;
    if (key === 'process' || key === 'comm') return source === 'processes';
    if (key === 'container' || key === 'containerKey') return source === 'cgroups';
    return false;
  }

  /** Sums per key over whole hours or ten minutes [t0, t1) of a breakdown scope (its pid/comm/container filters). */
  breakdownRollupQuery(w: Window, key: Key, source: Breakdown, grain: Grain, t0: bigint, t1: bigint): Fragment {
    const rows = this.breakdowns.rows(source, w.filter, w.nr);
    const k = this.keyColumns(key);
    const hosts = hostFilter('x.host_id', w.hostIds);
    const { table, time } = rollupTable(source, grain);
    const where = [`x.${time} >= ?`, `x.${time} < ?`, ...(hosts ? [hosts.sql] : []), ...rows.where];
    return {
      sql: `SELECT ${k.outer}, SUM(g.c) AS c
              FROM (SELECT ${k.inner}, SUM(x.count) AS c FROM ${table} x
                     WHERE ${where.join(' AND ')} GROUP BY ${k.groupBy}) g ${k.join}
             GROUP BY k, l`,
      params: [t0, t1, ...(hosts?.params ?? []), ...rows.params],
    };
  }

  /** The first and last hour with rollups of a source in [h0, h1) (of some hosts; none: all). */
  async hours(source: RollupSource, h0: bigint, h1: bigint, hostIds: string[]) {
    const hosts = hostFilter('host_id', hostIds);
    const [row] = await this.sql.all<{ first: bigint | null; last: bigint | null }>(
      `SELECT MIN(hour_ms) AS first, MAX(hour_ms) AS last FROM ${HOURS_OF[source]}
        WHERE hour_ms >= ? AND hour_ms < ?${hosts ? ` AND ${hosts.sql}` : ''}`,
      h0,
      h1,
      ...(hosts?.params ?? []),
    );
    return { first: row?.first ?? null, last: row?.last ?? null };
  }

  /** The time of the newest snapshot stored (0: none): one index seek on both engines. */
  async newestSnapshot(): Promise<bigint> {
    const [row] = await this.sql.all<{ t: bigint | null }>('SELECT MAX(time_ms) AS t FROM snapshots');
    return BigInt(row?.t ?? 0n);
  }

  private keyColumns(key: Key): KeyColumns {
    if (key === 'host') return plainKey('x.host_id');
    if (key === 'syscall') return plainKey('x.nr');
    const k = this.breakdowns.keyColumns(key);
    if (!k) throw new Error(`no rollup key columns for ${key}`);
    return k;
  }
}
