import { Injectable } from '@nestjs/common';
import { SqlRunner } from '../../database/sql-runner';
import type { Window } from '../scope-window';
import { snapshotFilter, snapshotIndex } from './snapshot-sql';

/** Bucket of the latency rows: 0..63 log2 buckets, and these two. */
export const TOTAL_NS_BUCKET = -1;
export const UNRETURNED_BUCKET = -2;

/** Latency histograms (runs streamed with agent --latency): latency_deltas per (snapshot, nr, bucket). */
@Injectable()
export class LatencyRepository {
  constructor(private readonly sql: SqlRunner) {}

  /** Calls per (syscall, bucket) over a scope; buckets TOTAL_NS_BUCKET and UNRETURNED_BUCKET as above. */
  histogramRows(w: Window): Promise<Array<{ nr: bigint; bucket: bigint; c: bigint }>> {
    const f = snapshotFilter(w, w.since, w.until);
    return this.sql.all(
      `SELECT x.nr AS nr, x.bucket AS bucket, SUM(x.count) AS c
         FROM snapshots s ${snapshotIndex(this.sql.dialect, w)} JOIN latency_deltas x ON x.snap_key = s.snap_key
        WHERE ${f.sql}${w.nr === undefined ? '' : ' AND x.nr = ?'} GROUP BY x.nr, x.bucket`,
      ...f.params,
      ...(w.nr === undefined ? [] : [w.nr]),
    );
  }
}
