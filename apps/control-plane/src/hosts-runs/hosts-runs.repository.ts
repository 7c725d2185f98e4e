import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { SqlRunner } from '../database/sql-runner';
import { Host } from './host.entity';
import { Run } from './run.entity';

/** What a run may carry besides its host-wide counts, each switched on by an agent flag. */
export type RunData = 'processes' | 'cgroups' | 'failures' | 'latency';

/** The condition on runs (alias r) for runs that carry a kind of data. */
export function runCarries(data: RunData): string {
  const condition: Record<RunData, string> = {
    processes: 'r.process_top_k > 0',
    cgroups: 'r.cgroup_top_k > 0',
    failures: 'r.errors',
    latency: 'r.latency',
  };
  return condition[data];
}

/** The fields of a run its agent's hello gives. */
export type RunFields = Omit<Run, 'lastSeq' | 'finished' | 'lastSeenMs' | 'unattributed'>;
export type HostFacts = Omit<Host, 'firstSeenMs' | 'lastSeenMs'>;

export interface HostRow {
  host_id: string;
  hostname: string;
  kernel_release: string;
  arch: string;
  first_seen_ms: bigint;
  last_seen_ms: bigint;
  runs: bigint;
  total: bigint;
}

export interface RunRow {
  run_id: string;
  host_id: string;
  hostname: string;
  scope: string;
  map_mode: string;
  interval_ms: bigint;
  started_ms: bigint;
  last_seen_ms: bigint;
  last_seq: bigint;
  total: bigint;
  finished: bigint | boolean;
  arch: string;
}

/**
 * A run's BPF programs' cost: the time in all of them, and the runs of its busiest program (the
 * one on sys_enter: once per syscall the host made), so time / runs is the cost per call.
 */
export interface RunBpfRow {
  run_id: string;
  host_id: string;
  run_time_ns: bigint;
  runs: bigint;
}

/** Hosts and runs: written through TypeORM's repositories on hello, listed with their totals. */
@Injectable()
export class HostsRunsRepository {
  constructor(
    @InjectRepository(Host) private readonly hosts: Repository<Host>,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    private readonly sql: SqlRunner,
  ) {}

  findRun(runId: string): Promise<Run | null> {
    return this.runs.findOneBy({ runId });
  }

  /**
   * Records a host on its agent's hello: first seen once, the rest kept current. One upsert, so
   * replicas greeting the same new host at once both succeed (a read-then-insert would race).
   */
  async saveHost(facts: HostFacts, nowMs: number): Promise<void> {
    await this.hosts
      .createQueryBuilder()
      .insert()
      .values({ ...facts, firstSeenMs: nowMs, lastSeenMs: nowMs })
      .orUpdate(['hostname', 'kernel_release', 'arch', 'boot_id', 'last_seen_ms'], ['host_id'])
      .execute();
  }

  /**
   * Creates the run on its first hello, or touches the stored one (a reconnect, or the same first
   * hello at another replica at the same moment: the insert that loses does nothing); returns the
   * stored run, which the caller checks is the agent's.
   */
  async openRun(fields: RunFields, nowMs: number): Promise<Run> {
    await this.runs
      .createQueryBuilder()
      .insert()
      .values({ ...fields, lastSeq: 0, finished: false, lastSeenMs: nowMs, unattributed: '0' })
      .orIgnore()
      .execute();
    await this.runs.update({ runId: fields.runId }, { lastSeenMs: nowMs });
    return (await this.findRun(fields.runId))!;
  }

  async hostExists(hostId: string): Promise<boolean> {
    return (await this.sql.prepare('SELECT 1 AS one FROM hosts WHERE host_id = ?').get(hostId)) !== undefined;
  }

  async runExists(runId: string): Promise<boolean> {
    return (await this.sql.prepare('SELECT 1 AS one FROM runs WHERE run_id = ?').get(runId)) !== undefined;
  }

  /** Whether any run in a scope (host and run ids, '' for any) carries a kind of data. */
  async anyRunCarries(data: RunData, hostId: string, runId: string): Promise<boolean> {
    const filter = [runCarries(data), hostId ? 'r.host_id = ?' : '', runId ? 'r.run_id = ?' : ''].filter(Boolean);
    const params = [...(hostId ? [hostId] : []), ...(runId ? [runId] : [])];
    const rows = await this.sql.all(`SELECT 1 AS one FROM runs r WHERE ${filter.join(' AND ')} LIMIT 1`, ...params);
    return rows.length > 0;
  }

  listHosts(): Promise<HostRow[]> {
    return this.sql
      .prepare(
        `SELECT h.host_id, h.hostname, h.kernel_release, h.arch, h.first_seen_ms, h.last_seen_ms,
              (SELECT COUNT(*) FROM runs r WHERE r.host_id = h.host_id) AS runs,
              (SELECT COALESCE(SUM(t.count), 0) FROM run_totals t JOIN runs r ON r.run_id = t.run_id
                WHERE r.host_id = h.host_id) AS total
         FROM hosts h ORDER BY h.host_id`,
      )
      .all<HostRow>();
  }

  /** Each run's BPF cost (runs whose agent reported BPF statistics only). */
  bpfByRun(): Promise<RunBpfRow[]> {
    return this.sql
      .prepare(
        `SELECT b.run_id, r.host_id, SUM(b.run_time_ns) AS run_time_ns, MAX(b.run_count) AS runs
           FROM bpf_program_totals b JOIN runs r ON r.run_id = b.run_id GROUP BY b.run_id, r.host_id`,
      )
      .all<RunBpfRow>();
  }

  /** The runs of a host ('' for every host), oldest first. */
  listRuns(hostId: string): Promise<RunRow[]> {
    return this.sql.all<RunRow>(
      `SELECT r.run_id, r.host_id, r.hostname, r.scope, r.map_mode, r.interval_ms, r.started_ms, r.last_seen_ms,
              r.last_seq, r.finished, r.arch,
              (SELECT COALESCE(SUM(t.count), 0) FROM run_totals t WHERE t.run_id = r.run_id) AS total
         FROM runs r ${hostId ? 'WHERE r.host_id = ?' : ''} ORDER BY r.started_ms, r.run_id`,
      ...(hostId ? [hostId] : []),
    );
  }
}
