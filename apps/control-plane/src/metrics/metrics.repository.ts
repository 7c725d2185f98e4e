import { Injectable } from '@nestjs/common';
import { Prepared, SqlRunner } from '../database/sql-runner';

/**
 * Hosts whose syscall counts are read in one statement. SQLite reads synchronously: a read of
 * every host's 60 syscalls at once held the event loop (and every ack waiting on it); between
 * reads the loop runs what is due.
 */
export const HOSTS_PER_READ = 100;

export interface HostCountRow {
  host_id: string;
  arch: string;
  nr: bigint;
  count: bigint;
}

/** A host's version for /metrics' cache: the sum of its counts (null: none yet) and its arch. */
export interface HostVersionRow {
  host_id: string;
  arch: string;
  total: bigint | string | null;
}

/** A host's counts as "nr count,nr count,..." in nr order (counts above zero only; null: none). */
export interface HostCountsRow {
  host_id: string;
  arch: string;
  counts: string | null;
}

/** A cumulative keyed row summed over a host's runs: sub is the errno code or the latency bucket. */
export interface HostKeyedRow extends HostCountRow {
  sub: bigint;
}

export interface HostCgroupRow extends HostCountRow {
  /** '' for the "other" cgroup (calls outside each snapshot's busiest cgroups). */
  path: string;
  container: string;
}

export interface HostBpfRow {
  host_id: string;
  program: string;
  run_time_ns: bigint;
  run_count: bigint;
}

export interface HostHealthRow {
  host_id: string;
  last_seen_ms: bigint;
  unattributed: bigint;
}

/**
 * What a scrape reads, all cumulative per host over its runs: syscall counts from the hosts rows
 * (their totals packed in one column and their sum, kept by ingest; read again only for hosts whose sum moved, see
 * syscall-lines-cache.ts), failures and latency from the runs' totals (only runs streaming --errors
 * or --latency have rows), and each host's last contact.
 */
@Injectable()
export class MetricsRepository {
  private readonly stmt: Record<string, Prepared>;

  constructor(sql: SqlRunner) {
    const p = (text: string) => sql.prepare(text);
    const keyed = (table: string, sub: string, where: string) =>
      p(
        `SELECT r.host_id, h.arch, x.nr, x.${sub} AS sub, SUM(x.count) AS count
           FROM ${table} x JOIN runs r ON r.run_id = x.run_id JOIN hosts h ON h.host_id = r.host_id
          WHERE ${where} GROUP BY r.host_id, h.arch, x.nr, x.${sub}`,
      );
    this.stmt = {
      // One row per host: its calls (the sum of its totals) are kept in its row by ingest.
      versions: p('SELECT h.host_id, h.arch, h.calls AS total FROM hosts h ORDER BY h.host_id'),
      // One row per host, its totals packed in one column (collection/packed-totals.ts): a row
      // object per host instead of one per syscall is most of a scrape's read time saved.
      counts: p(
        `SELECT h.host_id, h.arch, h.totals FROM hosts h
          WHERE h.host_id IN (${new Array(HOSTS_PER_READ).fill('?').join(', ')})`,
      ),
      failures: keyed('failure_totals', 'errno_code', 'x.errno_code <> 0'),
      latency: keyed('latency_totals', 'bucket', 'x.count > 0'),
      cgroups: p(
        `SELECT t.host_id, h.arch, n.path, n.container, t.nr, t.count
           FROM host_cgroup_totals t JOIN hosts h ON h.host_id = t.host_id
           JOIN cgroup_names n ON n.name_key = t.name_key
          WHERE t.count > 0`,
      ),
      bpf: p(
        `SELECT r.host_id, b.program, SUM(b.run_time_ns) AS run_time_ns, SUM(b.run_count) AS run_count
           FROM bpf_program_totals b JOIN runs r ON r.run_id = b.run_id GROUP BY r.host_id, b.program`,
      ),
      health: p(
        `SELECT h.host_id, h.last_seen_ms, COALESCE(SUM(r.unattributed), 0) AS unattributed
           FROM hosts h LEFT JOIN runs r ON r.host_id = h.host_id GROUP BY h.host_id, h.last_seen_ms`,
      ),
    };
  }

  /** Every host's version (the sum of its calls over all its runs, and its arch), in host order. */
  hostVersions(): Promise<HostVersionRow[]> {
    return this.stmt.versions.all<HostVersionRow>();
  }

  /** The calls per syscall of up to HOSTS_PER_READ hosts, over all their runs. */
  async hostCounts(hosts: string[]): Promise<HostCountsRow[]> {
    const params = [...hosts, ...new Array<null>(HOSTS_PER_READ - hosts.length).fill(null)];
    const rows = await this.stmt.counts.all<{ host_id: string; arch: string; totals: string | null }>(...params);
    return rows.map((r) => ({ host_id: r.host_id, arch: r.arch, counts: countsText(r.totals) }));
  }

  /** Every host's failed calls per syscall and errno. */
  failures(): Promise<HostKeyedRow[]> {
    return this.stmt.failures.all<HostKeyedRow>();
  }

  /** Every host's latency rows per syscall: buckets 0..63, total ns (-1), calls that never returned (-2). */
  latency(): Promise<HostKeyedRow[]> {
    return this.stmt.latency.all<HostKeyedRow>();
  }

  /** Every host's calls per cgroup and syscall (runs streaming -C only). */
  cgroups(): Promise<HostCgroupRow[]> {
    return this.stmt.cgroups.all<HostCgroupRow>();
  }

  /** Every host's agents' BPF programs: time in them and their runs, over the host's runs. */
  bpf(): Promise<HostBpfRow[]> {
    return this.stmt.bpf.all<HostBpfRow>();
  }

  /** Every host's last contact and unattributed calls. */
  health(): Promise<HostHealthRow[]> {
    return this.stmt.health.all<HostHealthRow>();
  }
}

/**
 * A host's packed totals as "nr count,nr count,..." in nr order, counts above zero only (null: none).
 * Plain string work, no BigInt: a scrape after every host moved converts 1,000 hosts × 60 pairs.
 */
export function countsText(packed: string | null): string | null {
  const body = packed?.replace(/[{}\s"]/g, '');
  if (!body) return null;
  const out: string[] = [];
  let last = -1;
  let sorted = true;
  for (const pair of body.split(',')) {
    const colon = pair.indexOf(':');
    const nr = pair.slice(0, colon);
    const count = pair.slice(colon + 1);
    if (count === '0') continue;
    if (Number(nr) < last) sorted = false;
    last = Number(nr);
    out.push(`${nr} ${count}`);
  }
  if (!sorted) out.sort((x, y) => parseInt(x, 10) - parseInt(y, 10));
  return out.length ? out.join(',') : null;
}
