import { Injectable } from '@nestjs/common';
import { SqlRunner } from '../database/sql-runner';

/** What expiry has removed: rows before these times (unix ms) are gone; 0 when none were. */
export interface RetentionMarks {
  /** Per-snapshot rows (deltas, breakdowns, failures, latency) before this hour are gone. */
  raw: bigint;
  /** Hourly rollups before this hour are gone. */
  hourly: bigint;
}

/**
 * The marks expiry leaves in retention_marks, read by the queries (to say an answer reaches into
 * expired time) and by ListHosts/ListRuns (the retained span). One row per kind, read on each call:
 * several replicas share them.
 */
@Injectable()
export class RetentionMarksRepository {
  constructor(private readonly sql: SqlRunner) {}

  async marks(): Promise<RetentionMarks> {
    const rows = await this.sql
      .prepare('SELECT kind, before_ms FROM retention_marks')
      .all<{ kind: string; before_ms: bigint }>();
    const of = (kind: string) => BigInt(rows.find((r) => r.kind === kind)?.before_ms ?? 0n);
    return { raw: of('raw'), hourly: of('hourly') };
  }

  /**
   * When each host's history starts: its first run's start (a host's first contact can be later
   * than the data its agent sends, e.g. an agent that buffered across a control-plane move).
   */
  async hostStarts(): Promise<Map<string, bigint>> {
    const rows = await this.sql
      .prepare('SELECT host_id, MIN(started_ms) AS started FROM runs GROUP BY host_id')
      .all<{ host_id: string; started: bigint }>();
    return new Map(rows.map((r) => [r.host_id, BigInt(r.started)]));
  }

  /** Moves a mark forward (never back: a replica with a longer retention does not undo another's). */
  async advance(kind: 'raw' | 'hourly', beforeMs: bigint): Promise<void> {
    await this.sql
      .prepare(`UPDATE retention_marks SET before_ms = ${this.sql.dialect.int()} WHERE kind = ? AND before_ms < ?`)
      .run(beforeMs, kind, beforeMs);
  }
}
