import { Injectable } from '@nestjs/common';
import { SqlRunner } from '../database/sql-runner';
import { BATCH_TABLES, BatchTable, BatchTableName, BatchTableRows, insertSql } from './batch-tables';
import { BatchHead, HEAD_COLS, headCell, HostAdvance, RunAdvance } from './ingest-batch.repository';

/** A host's row as this replica last saw it (@old, its packed totals) and as the batch leaves it. */
export type HostWrite = HostAdvance & { old: string | null };

/** A packed host-wide rollup row: @old as last seen (null: there was no row), @counts after the batch. */
export interface RollupWrite {
  table: 'packed_hourly_counts' | 'packed_ten_minute_counts';
  bucket: bigint;
  hostId: string;
  old: string | null;
  counts: string;
}

/** Everything one batch writes. The snap_key column of @rows holds the head's 1-based index in @heads. */
export interface BatchWrite {
  heads: BatchHead[];
  runs: RunAdvance[];
  hosts: HostWrite[];
  rollups: RollupWrite[];
  rows: Partial<BatchTableRows>;
  nowMs: number;
}

const TIME_COL = { packed_hourly_counts: 'hour_ms', packed_ten_minute_counts: 'bucket_ms' } as const;

/**
 * The tables of a batch's other rows besides its packed deltas, by the agent option that fills
 * them (the packed rollups are conditional writes of their own).
 */
const FEATURES: BatchTableName[][] = [
  ['processes', 'hourlyProcesses', 'tenMinuteProcesses'],
  ['cgroups', 'hostCgroupTotals', 'hourlyCgroups', 'tenMinuteCgroups'],
  ['seen'],
  ['failureDeltas', 'failureTotals'],
  ['latencyDeltas', 'latencyTotals'],
  ['bpfPrograms'],
];
// A table added to BATCH_TABLES and not named here would have its rows dropped on PostgreSQL.
const NAMED = new Set<string>(['snapshotCounts', 'hourly', 'tenMinute', ...FEATURES.flat()]);
const UNNAMED = Object.keys(BATCH_TABLES).filter((n) => !NAMED.has(n));
if (UNNAMED.length) throw new Error(`batch-statement.ts: FEATURES does not name ${UNNAMED.join(', ')}`);

/** Parameters numbered as they are added, for SQL written with $n (PostgreSQL only). */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }

  /**
   * A column of packed `{"nr":count,...}` texts (or null) as ONE text parameter, the texts joined
   * by a record separator and split again by the server: node-postgres would quote and escape every
   * quote of every text of an array (10% of a replica's CPU when measured), and packed texts hold
   * no control characters.
   */
  packed(texts: Array<string | null>, type: 'text' | 'jsonb'): string {
    let joined = '';
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i];
      // string_to_array('') is an empty array, not one empty text: a column would come up short.
      if (t === '' || (t !== null && SEPARATORS.test(t)))
        throw new Error('a packed text is empty or holds a separator');
      joined += (i ? RS : '') + (t ?? NULL_MARK);
    }
    const array = `string_to_array(${this.add(joined, 'text')}, chr(30), chr(31))`;
    return type === 'jsonb' ? `${array}::jsonb[]` : array;
  }

  /** unnest of one array per column: `packed` columns as packed(), the rest as arrays. */
  rows(types: Array<string | 'packed' | 'jsonb'>, cols: unknown[][]): string {
    const arrays = types.map((t, i) =>
      t === 'packed' || t === 'jsonb'
        ? this.packed(cols[i] as Array<string | null>, t === 'jsonb' ? 'jsonb' : 'text')
        : this.add(cols[i], `${t}[]`),
    );
    return `unnest(${arrays.join(', ')})`;
  }
}

const RS = '\u001e';
const NULL_MARK = '\u001f';
const SEPARATORS = /[\u001e\u001f]/;

const col = <T, K extends keyof T>(xs: T[], k: K) => xs.map((x) => x[k]);

/**
 * A whole group-commit batch as ONE statement on PostgreSQL, with no transaction around it (no
 * BEGIN, no row locks, no COMMIT: one round trip where the locking path takes six). Its rows are
 * data-modifying CTEs, and each write that a concurrent writer could have raced is conditional on
 * the row being as this replica last saw it:
 * - a run advances only from the last_seq the batch was checked against;
 * - a host's packed totals are replaced only if they are still the text read or written last;
 * - a packed rollup row is replaced only if still that text, or inserted only if still absent.
 * The statement counts what each of those wrote and passes "all as expected" to sc_ingest_check
 * (migration 1766900000000), which raises SC001 otherwise: the statement is atomic, so the batch
 * leaves nothing, and BatchStore stores it again the locking way. The other tables are inserts
 * and commutative adds (ON CONFLICT ... count + excluded.count), exact without a lock.
 * Rows keyed by a snapshot (its deltas, processes, ...) name it by its index in the batch; the
 * statement joins that to the key the snapshot row got.
 */
@Injectable()
export class BatchStatement {
  constructor(private readonly sql: SqlRunner) {}

  async write(w: BatchWrite): Promise<void> {
    const p = new Params();
    const now = BigInt(w.nowMs);
    const checks: string[] = [];
    const expect = (cte: string, n: number) => checks.push(`(SELECT count(*) FROM ${cte}) = ${p.add(n, 'bigint')}`);
    // The checks run in order, and each CTE when first counted: the hosts' rows (sent in host_id
    // order) are locked before the runs, as every locking writer does (DATABASE-ENGINES, lock order).
    const ctes = [this.hosts(p, w.hosts, now), this.runs(p, w.runs, now)];
    expect('h', w.hosts.length);
    expect('r', w.runs.length);
    const heads = HEAD_COLS.map((_, i) => w.heads.map((h) => headCell(h, i)));
    ctes.push(
      `s AS (INSERT INTO snapshots (${HEAD_COLS.join(', ')}) SELECT * FROM ${p.rows(
        ['text', 'bigint', 'text', 'bigint', 'bigint', 'bigint'],
        heads,
      )} RETURNING run_id, seq, snap_key)`,
      // Each head's key, by its 1-based place in the batch (the heads' run_id and seq sent again).
      `k AS (SELECT x.i, s.snap_key FROM unnest(${p.add(heads[0], 'text[]')}, ${p.add(heads[1], 'bigint[]')}) ` +
        'WITH ORDINALITY AS x(run_id, seq, i) JOIN s ON s.run_id = x.run_id AND s.seq = x.seq)',
    );
    expect('s', w.heads.length);
    // The rollup CTEs always, empty ones writing nothing, and the other tables by feature (a
    // feature's tables together): at most 2^6 statement texts, each prepared once per connection.
    for (const t of ['packed_hourly_counts', 'packed_ten_minute_counts'] as const) {
      for (const update of [true, false]) {
        const rs = w.rollups.filter((r) => r.table === t && (r.old !== null) === update);
        const name = `${t === 'packed_hourly_counts' ? 'hr' : 'tr'}${update ? 'u' : 'i'}`;
        ctes.push(`${name} AS (${update ? this.rollupUpdate(p, t, rs) : this.rollupInsert(p, t, rs)})`);
        expect(name, rs.length);
      }
    }
    const tables = FEATURES.filter((f) => f.some((n) => (w.rows[n]?.length ?? 0) > 0)).flat();
    for (const [i, n] of ['snapshotCounts' as const, ...tables].entries())
      ctes.push(`w${i} AS (${this.insert(p, BATCH_TABLES[n], w.rows[n] ?? [])})`);
    const text = `WITH ${ctes.join(',\n')}\nSELECT sc_ingest_check(${checks.join(' AND ')}) AS ok`;
    await this.sql.prepare(text).run(...p.values);
  }

  private runs(p: Params, runs: RunAdvance[], now: bigint): string {
    const u = p.rows(
      ['text', 'bigint', 'bigint', 'bigint', 'boolean', 'bigint', 'packed', 'bigint', 'bigint'],
      [
        col(runs, 'runId'),
        col(runs, 'fromSeq'),
        col(runs, 'toSeq'),
        runs.map(() => now),
        col(runs, 'finished'),
        col(runs, 'unattributed'),
        col(runs, 'totals'),
        col(runs, 'lastHourMs'),
        col(runs, 'lastMs'),
      ],
    );
    return `r AS (UPDATE runs SET last_seq = u.seq, last_seen_ms = u.seen_ms, finished = u.finished,
                    unattributed = u.unattributed, totals = u.totals,
                    last_hour_ms = GREATEST(runs.last_hour_ms, u.last_hour), last_ms = GREATEST(runs.last_ms, u.last_ms)
                  FROM ${u} AS u(run_id, from_seq, seq, seen_ms, finished, unattributed, totals, last_hour, last_ms)
                  WHERE runs.run_id = u.run_id AND runs.last_seq = u.from_seq RETURNING 1)`;
  }

  private hosts(p: Params, hosts: HostWrite[], now: bigint): string {
    const v = p.rows(
      ['text', 'bigint', 'packed', 'bigint', 'packed'],
      [col(hosts, 'hostId'), hosts.map(() => now), col(hosts, 'totals'), col(hosts, 'calls'), col(hosts, 'old')],
    );
    return `h AS (UPDATE hosts SET last_seen_ms = v.seen_ms, totals = v.totals, calls = v.calls
                  FROM ${v} AS v(host_id, seen_ms, totals, calls, old)
                  WHERE hosts.host_id = v.host_id AND hosts.totals IS NOT DISTINCT FROM v.old RETURNING 1)`;
  }

  /** Rollup rows replaced, each only if still the text last seen. */
  private rollupUpdate(p: Params, t: RollupWrite['table'], rs: RollupWrite[]): string {
    const time = TIME_COL[t];
    const w = p.rows(
      ['bigint', 'text', 'packed', 'packed'],
      [col(rs, 'bucket'), col(rs, 'hostId'), col(rs, 'counts'), col(rs, 'old')],
    );
    return (
      `UPDATE ${t} SET counts = w.counts FROM ${w} AS w(bucket, host_id, counts, old) ` +
      `WHERE ${t}.${time} = w.bucket AND ${t}.host_id = w.host_id AND ${t}.counts = w.old RETURNING 1`
    );
  }

  /** Rollup rows inserted, each only if still absent. */
  private rollupInsert(p: Params, t: RollupWrite['table'], rs: RollupWrite[]): string {
    const w = p.rows(['bigint', 'text', 'packed'], [col(rs, 'bucket'), col(rs, 'hostId'), col(rs, 'counts')]);
    return `INSERT INTO ${t} (${TIME_COL[t]}, host_id, counts) SELECT * FROM ${w} ON CONFLICT DO NOTHING RETURNING 1`;
  }

  /** A table's rows; those keyed by snapshot get its key from k. */
  private insert(p: Params, t: BatchTable, rows: unknown[][]): string {
    const cols = t.cols.map(([c]) => c);
    const source = p.rows(
      t.cols.map(([, type]) => type),
      cols.map((_, c) => rows.map((r) => r[c])),
    );
    if (cols[0] !== 'snap_key') return insertSql(t, `${source} AS u(${cols.join(', ')})`);
    const rest = cols.slice(1).map((c) => `u.${c}`);
    return (
      `INSERT INTO ${t.table} (${cols.join(', ')}) SELECT k.snap_key, ${rest.join(', ')} ` +
      `FROM ${source} AS u(i, ${cols.slice(1).join(', ')}) JOIN k ON k.i = u.i`
    );
  }
}
