import { status } from '@grpc/grpc-js';
import { INestApplicationContext } from '@nestjs/common';
import { GroupBy, TopRequest } from '@syscall-counter/proto';
import { toGrpcStatus } from '../common/grpc-status';
import { OTHER_NR } from '../common/syscall-nr';
import { SqlRunner } from '../database/sql-runner';
import { SQLITE, SqliteHandle } from '../database/sqlite.token';
import { TopService } from '../queries/top.service';
import { hello, inMemoryApp, snapshot, streamRun } from '../testing/in-memory-app';
import { IngestService } from './ingest.service';

async function codeOf(p: Promise<unknown>): Promise<status | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return toGrpcStatus(e).code;
  }
}

describe('IngestService over an in-memory SQLite migrated by the real migrations', () => {
  let app: INestApplicationContext;
  let ingest: IngestService;
  let sql: SqlRunner;
  const topOfRun = (runId: string) =>
    app.get(TopService).top(TopRequest.fromPartial({ scope: { runId }, by: GroupBy.GROUP_BY_SYSCALL }));
  const deltasOf = (runId: string, seq: number) =>
    sql.all<{ nr: bigint; count: bigint }>(
      'SELECT d.nr, d.count FROM deltas d JOIN snapshots s ON s.snap_key = d.snap_key ' +
        'WHERE s.run_id = ? AND s.seq = ? ORDER BY d.nr',
      runId,
      seq,
    );

  beforeEach(async () => {
    app = await inMemoryApp();
    ingest = app.get(IngestService);
    sql = app.get(SqlRunner);
  });
  afterEach(() => app.close());

  it('stores each interval as its deltas (the "other" bucket as nr -2 both ways): a run adds up exactly', async () => {
    await streamRun(ingest, hello(), [
      snapshot('r1', 1, 10_000, [
        [39, 5],
        [110, 3],
      ]),
      snapshot('r1', 2, 20_000, [
        [OTHER_NR, 4],
        [0, 7],
        [39, 12],
        [110, 3],
      ]),
    ]);
    expect(await deltasOf('r1', 2)).toEqual([
      { nr: -2n, count: 4n },
      { nr: 0n, count: 7n },
      { nr: 39n, count: 7n },
    ]);
    const top = await topOfRun('r1');
    expect(top.rows.map((r) => [r.nr, r.count])).toEqual([
      [39, '12'],
      [0, '7'],
      [OTHER_NR, '4'],
      [110, '3'],
    ]);
    expect(top.total).toBe('26');
  });

  it('a repeated seq is acked as a duplicate and stores nothing more', async () => {
    const first = snapshot('r1', 1, 10_000, [[39, 5]]);
    const run = await streamRun(ingest, hello(), [first]);
    expect(await ingest.ingest(run, snapshot('r1', 1, 10_000, [[39, 50]]))).toBe('duplicate');
    expect((await topOfRun('r1')).total).toBe('5');
    const again = await ingest.hello(hello());
    expect(again.lastAckedSeq).toBe(1n);
  });

  it('a counter that goes backwards is FAILED_PRECONDITION and nothing of its snapshot is stored', async () => {
    const run = await streamRun(ingest, hello(), [snapshot('r1', 1, 10_000, [[39, 5]])]);
    expect(await codeOf(ingest.ingest(run, snapshot('r1', 2, 20_000, [[39, 4]])))).toBe(status.FAILED_PRECONDITION);
    expect(await sql.all('SELECT seq FROM snapshots')).toEqual([{ seq: 1n }]);
    expect((await topOfRun('r1')).total).toBe('5');
  });

  it('acks after commit: a bad snapshot of the same group commit rolls back alone', async () => {
    const a = await ingest.hello(hello());
    const b = await ingest.hello(hello({ hostId: 'h2', hostname: 'h2', runId: 'r2' }));
    const [good, bad] = await Promise.allSettled([
      ingest.ingest(a, snapshot('r1', 1, 10_000, [[39, 5]])),
      ingest.ingest(b, snapshot('r2', 1, 10_000, [[2000, 1]])),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: 'stored' });
    expect(bad.status === 'rejected' && toGrpcStatus(bad.reason)).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'count row: syscall nr 2000 is outside the table\'s range [-1, 1023] (and is not -2, "other")',
    });
    // Resolved means committed: no transaction is open, and the stored rows are there.
    if (process.env.SC_TEST_DB !== 'postgres') expect(app.get<SqliteHandle>(SQLITE).inTransaction).toBe(false);
    expect(await sql.all('SELECT run_id, seq, total FROM snapshots')).toEqual([{ run_id: 'r1', seq: 1n, total: 5n }]);
  });

  it('a hello for a run of another host is FAILED_PRECONDITION; a bad hello is INVALID_ARGUMENT', async () => {
    await ingest.hello(hello());
    expect(await codeOf(ingest.hello(hello({ hostId: 'h2' })))).toBe(status.FAILED_PRECONDITION);
    expect(await codeOf(ingest.hello(hello({ arch: 'mips' })))).toBe(status.INVALID_ARGUMENT);
  });

  it('the hourly rollups and run totals keep in step with the deltas', async () => {
    await streamRun(ingest, hello(), [
      snapshot('r1', 1, 10_000, [[39, 5]]),
      snapshot('r1', 2, 3_600_000 + 10_000, [[39, 9]]),
    ]);
    expect(await sql.all('SELECT nr, count FROM hourly_counts ORDER BY hour_ms')).toEqual([
      { nr: 39n, count: 5n },
      { nr: 39n, count: 4n },
    ]);
    expect(await sql.all('SELECT nr, count FROM run_totals')).toEqual([{ nr: 39n, count: 9n }]);
  });
});
