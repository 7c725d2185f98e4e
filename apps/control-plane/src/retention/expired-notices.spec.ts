import { INestApplicationContext } from '@nestjs/common';
import { ExpiredHistory, GroupBy, Scope } from '@syscall-counter/proto';
import { IngestService } from '../collection/ingest.service';
import { DiffService } from '../queries/diff.service';
import { LatencyService } from '../queries/latency.service';
import { SeriesService } from '../queries/series.service';
import { TopService } from '../queries/top.service';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { RetentionConfig } from './retention-config';
import { expiryOf } from '../testing/expiry-service';

// Issue 12: "a query over expired time says so, never a silently smaller number", for every
// query kind: top by syscall, process and container, errors (failed calls), latency, series, diff.
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0_DAY = Math.floor(T0 / DAY);
const RETAIN: RetentionConfig = { rawMs: 14 * DAY, hourlyMs: 400 * DAY, everyMs: HOUR, firstMs: MIN };
const latency = (nr: number, calls: number) => ({
  nr,
  totalNs: String(1000 * calls),
  unreturned: '0',
  buckets: [{ bucket: 3, count: String(calls) }],
});

/** h1/r1 (-P -C --errors --latency) at T0 + 10 min and + 70 min; h1/r2 20 days later, the same flags. */
async function storeHistory(ingest: IngestService): Promise<void> {
  const flags = { processTopK: 2, cgroupTopK: 2, errors: true, latency: true };
  const detail = (calls: number, failed: number) => ({
    processes: [{ pid: 100, comm: 'a', nr: 39, count: String(calls) }],
    cgroups: [{ path: '/a.slice/docker-aaa.scope', container: 'docker:aaa', nr: 39, count: String(calls) }],
    failures: [{ nr: 39, errnoCode: 0, count: String(failed) }],
    latency: [latency(39, failed * 2)],
  });
  await streamRun(ingest, hello(flags), [
    snapshot('r1', 1, 10 * MIN, [[39, 10]], detail(10, 1)),
    snapshot('r1', 2, 70 * MIN, [[39, 25]], { ...detail(15, 3), processes: [], cgroups: [] }),
  ]);
  const later = String(T0 + 20 * DAY);
  await streamRun(ingest, hello({ ...flags, runId: 'r2', runStartedUnixMs: later }), [
    snapshot('r2', 1, 20 * DAY + 10 * MIN, [[39, 7]], detail(7, 2)),
  ]);
}

const window = (since: number, until: number): Scope =>
  Scope.fromPartial({ sinceUnixMs: String(since), untilUnixMs: String(until) });

describe('every query kind over expired raw time says so', () => {
  let app: INestApplicationContext;
  const old = window(T0, T0 + 3 * HOUR);
  const recent = window(T0 + 20 * DAY, T0 + 20 * DAY + HOUR);
  const kept = String(T0 + 3 * HOUR);
  /** Answered whole from the hourly rollups over expired time. */
  const hourly: ExpiredHistory = { rawKeptFromUnixMs: kept, lowerBound: false };
  /** Only raw rows could answer: what expired is missing, the counts are a lower bound. */
  const lower: ExpiredHistory = { rawKeptFromUnixMs: kept, lowerBound: true };

  const top = (by: GroupBy, scope: Scope, failed = false) => app.get(TopService).top({ scope, by, limit: 0, failed });

  beforeAll(async () => {
    app = await inMemoryApp();
    const { expiry, partitions } = expiryOf(app);
    expect(await partitions.ensureDays(T0_DAY - 1, T0_DAY + 1)).toEqual([]);
    await storeHistory(app.get(IngestService));
    const report = await expiry.expireOnce(T0 + 14 * DAY + 3 * HOUR + 5 * MIN, RETAIN);
    expect(report).toMatchObject({ ran: true, rawBeforeMs: T0 + 3 * HOUR, snapshots: 2 });
  });
  afterAll(() => app.close());

  // Busiest first: the second snapshot's 15 calls went to no named process or cgroup ("other").
  it('top by syscall, by process and by container: hourly totals, and the notice', async () => {
    const syscall = await top(GroupBy.GROUP_BY_SYSCALL, old);
    expect([syscall.rows.map((r) => [r.nr, r.count]), syscall.expired]).toEqual([[[39, '25']], hourly]);
    const process = await top(GroupBy.GROUP_BY_PROCESS, old);
    expect([process.rows.map((r) => [r.key, r.count]), process.expired]).toEqual([
      [
        ['0', '15'],
        ['100', '10'],
      ],
      hourly,
    ]);
    const container = await top(GroupBy.GROUP_BY_CONTAINER, old);
    expect([container.rows.map((r) => [r.key, r.count]), container.expired]).toEqual([
      [
        ['', '15'],
        ['docker:aaa', '10'],
      ],
      hourly,
    ]);
  });

  it('errors (failed calls), latency and series: a lower bound, and the notice', async () => {
    const failed = await top(GroupBy.GROUP_BY_SYSCALL, old, true);
    expect(failed.expired).toEqual(lower);
    const lat = await app.get(LatencyService).latency({ scope: old });
    expect(lat.expired).toEqual(lower);
    const series = await app.get(SeriesService).series({ scope: old, bucketMs: '0', top: 5 });
    expect(series.expired).toEqual(lower);
  });

  it('diff: the notice of the side that reaches into expired time', async () => {
    const d = await app.get(DiffService).diff({ a: old, b: recent, by: GroupBy.GROUP_BY_SYSCALL });
    expect(d.rows.map((r) => [r.nr, r.countA, r.countB])).toEqual([[39, '25', '7']]);
    expect(d.expired).toEqual(hourly);
    const byContainer = await app.get(DiffService).diff({ a: recent, b: old, by: GroupBy.GROUP_BY_CONTAINER });
    expect(byContainer.expired).toEqual(hourly);
  });

  it('the same queries over unexpired time carry no notice', async () => {
    for (const by of [GroupBy.GROUP_BY_SYSCALL, GroupBy.GROUP_BY_PROCESS, GroupBy.GROUP_BY_CONTAINER])
      expect((await top(by, recent)).expired).toBeUndefined();
    expect((await top(GroupBy.GROUP_BY_SYSCALL, recent, true)).expired).toBeUndefined();
    expect((await app.get(LatencyService).latency({ scope: recent })).expired).toBeUndefined();
    expect((await app.get(SeriesService).series({ scope: recent, bucketMs: '0', top: 5 })).expired).toBeUndefined();
  });
});
