import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables ingest updates in place, every snapshot (rollups, totals, a run's and a host's
 * progress). On PostgreSQL an update writes a new row version; when the page has room for it
 * (a HOT update) no index entry is added, otherwise every index of the table gets one and must
 * later clean it up (the bottom-up index deletion that led the server's profile at 32 agents).
 * Pages filled to half leave that room. Tables written once per row (deltas, snapshots) stay full.
 * New pages only: existing rows move as they are updated (or with VACUUM FULL).
 * SQLite updates in place: nothing to do there.
 */
export const UPDATED_IN_PLACE = [
  'runs',
  'hosts',
  'run_totals',
  'host_totals',
  'hourly_counts',
  'hourly_process_counts',
  'hourly_cgroup_counts',
  'host_cgroup_totals',
  'failure_totals',
  'latency_totals',
  'bpf_program_totals',
];

export class CounterFillfactor1766100000000 implements MigrationInterface {
  name = 'CounterFillfactor1766100000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    for (const t of UPDATED_IN_PLACE) await q.query(`ALTER TABLE "${t}" SET (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    for (const t of UPDATED_IN_PLACE) await q.query(`ALTER TABLE "${t}" RESET (fillfactor)`);
  }
}
