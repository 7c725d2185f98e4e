import { INestApplicationContext } from '@nestjs/common';
import { GroupBy, Scope } from '@syscall-counter/proto';
import { IngestService } from '../collection/ingest.service';
import { SqlRunner } from '../database/sql-runner';
import { HostsRunsService } from '../hosts-runs/hosts-runs.service';
import { SeriesService } from '../queries/series.service';
import { TopService } from '../queries/top.service';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { ExpiryService } from './expiry.service';
import { PartitionsRepository } from './partitions.repository';
import { RetentionConfig } from './retention-config';
import { expiryOf } from '../testing/expiry-service';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const POSTGRES = process.env.SC_TEST_DB === 'postgres';
const T0_DAY = Math.floor(T0 / DAY);
const RETAIN: RetentionConfig = { rawMs: 14 * DAY, hourlyMs: 400 * DAY, everyMs: HOUR, firstMs: MIN };
const proc = (pid: number, comm: string, nr: number, count: number) => ({ pid, comm, nr, count: String(count) });
const cg = (path: string, container: string, nr: number, count: number) => ({
  path,
  container,
  nr,
  count: String(count),
});

/**
 * h1/r1 (-P 2 -C 2), from T0: deltas {39:10, 2:5} @10 min, {39:15} @70 min, {2:7} @130 min;
 * processes 100 "a" 6+15, 200 "b" 5+7 (other 4); cgroups docker:aaa 10, /b.slice 15 (other 12).
 * h2/r2 (plain), 20 days later: {39:100} @10 min.
 */
async function storeHistory(ingest: IngestService): Promise<void> {
  await streamRun(ingest, hello({ processTopK: 2, cgroupTopK: 2 }), [
    snapshot(
      'r1',
      1,
      10 * MIN,
      [
        [39, 10],
        [2, 5],
      ],
      {
        processes: [proc(100, 'a', 39, 6), proc(200, 'b', 2, 5)],
        cgroups: [cg('/a.slice/docker-aaa.scope', 'docker:aaa', 39, 10)],
      },
    ),
    snapshot(
      'r1',
      2,
      70 * MIN,
      [
        [39, 25],
        [2, 5],
      ],
      {
        processes: [proc(100, 'a', 39, 15)],
        cgroups: [cg('/b.slice', '', 39, 15)],
      },
    ),
    snapshot(
      'r1',
      3,
      130 * MIN,
      [
        [39, 25],
        [2, 12],
      ],
      { processes: [proc(200, 'b', 2, 7)] },
    ),
  ]);
  const later = String(T0 + 20 * DAY);
  await streamRun(ingest, hello({ hostId: 'h2', hostname: 'h2', runId: 'r2', runStartedUnixMs: later }), [
    snapshot('r2', 1, 20 * DAY + 10 * MIN, [[39, 100]]),
  ]);
}

const window = (since: number, until: number, over: Partial<Scope> = {}): Scope =>
  Scope.fromPartial({ sinceUnixMs: String(since), untilUnixMs: String(until), ...over });

describe('retention: expiry of raw rows and hourly rollups', () => {
  let app: INestApplicationContext;
  let sql: SqlRunner;
  let top: TopService;
  let expiry: ExpiryService;
  const rows = async (by: GroupBy, scope: Scope) => {
    const r = await top.top({ scope, by, limit: 0, failed: false });
    const key = (x: (typeof r.rows)[number]) => (by === GroupBy.GROUP_BY_SYSCALL ? String(x.nr) : x.key);
    return { rows: Object.fromEntries(r.rows.map((x) => [key(x), x.count])), expired: r.expired };
  };
  const count = async (table: string, where = '') =>
    Number((await sql.all<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${table} ${where}`))[0].n);
  /** PostgreSQL: the per-snapshot tables' partitions of a day. */
  const partitionsOf = async (day: number) =>
    (await sql.all<{ name: string }>(`SELECT relname AS name FROM pg_class WHERE relname LIKE '%_d${day}'`)).map(
      (r) => r.name,
    );
  const hostTotal = async () => String((await sql.all<{ s: bigint }>('SELECT SUM(count) AS s FROM host_totals'))[0].s);

  beforeAll(async () => {
    app = await inMemoryApp();
    sql = app.get(SqlRunner);
    top = app.get(TopService);
    let partitions: PartitionsRepository;
    ({ expiry, partitions } = expiryOf(app));
    // PostgreSQL: the days around T0 get their partitions before the history arrives (as the job does).
    expect(await partitions.ensureDays(T0_DAY - 1, T0_DAY + 2)).toEqual([]);
    if (POSTGRES) expect(await partitionsOf(T0_DAY - 1)).toHaveLength(5);
    await storeHistory(app.get(IngestService));
  });
  afterAll(() => app.close());

  const first3h = window(T0, T0 + 3 * HOUR);

  it('answers whole hours per process and per container from the rollups before any expiry', async () => {
    expect(await rows(GroupBy.GROUP_BY_SYSCALL, first3h)).toEqual({ rows: { 39: '25', 2: '12' }, expired: undefined });
    expect((await rows(GroupBy.GROUP_BY_PROCESS, first3h)).rows).toEqual({ 100: '21', 200: '12', 0: '4' });
    expect((await rows(GroupBy.GROUP_BY_CONTAINER, first3h)).rows).toEqual({
      'docker:aaa': '10',
      '/b.slice': '15',
      '': '12',
    });
    expect(await count('hourly_process_counts')).toBe(5);
    expect(await count('hourly_cgroup_counts')).toBe(4);
  });

  it('removes the raw rows older than SC_RETAIN_RAW; totals from rollups and host totals stay', async () => {
    const metricsBefore = await hostTotal();
    const report = await expiry.expireOnce(T0 + 14 * DAY + 3 * HOUR + 5 * MIN, RETAIN);
    expect(report).toMatchObject({ ran: true, rawBeforeMs: T0 + 3 * HOUR, snapshots: 3 });
    // PostgreSQL drops whole days before T0's (5 tables a day); T0's own day is cut at T0 + 3 h:
    // its rows go one by one.
    if (POSTGRES) {
      expect(report.partitionsDropped).toBeGreaterThanOrEqual(5);
      expect(await partitionsOf(T0_DAY - 1)).toEqual([]);
      expect(await partitionsOf(T0_DAY)).toHaveLength(5);
    } else expect(report.partitionsDropped).toBe(0);
    expect(await count('snapshots', "WHERE run_id = 'r1'")).toBe(0);
    expect(await count('snapshots')).toBe(1);
    expect(await count('deltas')).toBe(1);
    for (const t of ['process_counts', 'cgroup_counts']) expect(await count(t)).toBe(0);
    expect(await hostTotal()).toBe(metricsBefore);
    // The ten-minute rollups go with the raw rows: r1's (4 host-wide, 5 per process, 4 per cgroup).
    expect(report.tenMinuteRows).toBe(13);
    expect(await count('ten_minute_counts')).toBe(1);
    for (const t of ['ten_minute_process_counts', 'ten_minute_cgroup_counts']) expect(await count(t)).toBe(0);

    const hourly = { rawKeptFromUnixMs: String(T0 + 3 * HOUR), lowerBound: false };
    expect(await rows(GroupBy.GROUP_BY_SYSCALL, first3h)).toEqual({ rows: { 39: '25', 2: '12' }, expired: hourly });
    expect(await rows(GroupBy.GROUP_BY_PROCESS, first3h)).toEqual({
      rows: { 100: '21', 200: '12', 0: '4' },
      expired: hourly,
    });
    expect((await rows(GroupBy.GROUP_BY_CONTAINER, first3h)).rows).toEqual({
      'docker:aaa': '10',
      '/b.slice': '15',
      '': '12',
    });
    // A window starting inside an expired hour counts that hour whole, and says so.
    const fromHalfPast = window(T0 + 30 * MIN, T0 + 3 * HOUR);
    expect(await rows(GroupBy.GROUP_BY_SYSCALL, fromHalfPast)).toEqual({
      rows: { 39: '25', 2: '12' },
      expired: hourly,
    });
    // So does a window ending inside an expired hour, or lying inside one: no raw row is left to cut it.
    expect(await rows(GroupBy.GROUP_BY_SYSCALL, window(T0 + 30 * MIN, T0 + HOUR + 20 * MIN))).toEqual({
      rows: { 39: '25', 2: '5' },
      expired: hourly,
    });
    expect(await rows(GroupBy.GROUP_BY_SYSCALL, window(T0 + 65 * MIN, T0 + 75 * MIN))).toEqual({
      rows: { 39: '15' },
      expired: hourly,
    });
    // A whole run still comes from its totals: nothing to announce.
    expect(await rows(GroupBy.GROUP_BY_SYSCALL, Scope.fromPartial({ runId: 'r1' }))).toEqual({
      rows: { 39: '25', 2: '12' },
      expired: undefined,
    });
  });

  it('says an answer only raw rows could give is a lower bound over expired time', async () => {
    const lower = { rawKeptFromUnixMs: String(T0 + 3 * HOUR), lowerBound: true };
    expect(await rows(GroupBy.GROUP_BY_RUN, first3h)).toEqual({ rows: {}, expired: lower });
    const series = await app.get(SeriesService).series({ scope: first3h, bucketMs: '0', top: 5 });
    expect(series.expired).toEqual(lower);
    // After the expired time: no notice.
    const recent = window(T0 + 20 * DAY, T0 + 21 * DAY);
    expect(await rows(GroupBy.GROUP_BY_RUN, recent)).toEqual({ rows: { r2: '100' }, expired: undefined });
  });

  it('shows the retained span of hosts and runs', async () => {
    const hostsRuns = app.get(HostsRunsService);
    const runs = Object.fromEntries((await hostsRuns.listRuns('')).map((r) => [r.runId, r]));
    // r1's raw rows before T0 + 3 h are gone; nothing of r2 (it started later) nor any hourly total.
    expect(runs.r1).toMatchObject({ rawKeptFromUnixMs: String(T0 + 3 * HOUR), hourlyKeptFromUnixMs: '0' });
    expect(runs.r2).toMatchObject({ rawKeptFromUnixMs: '0', hourlyKeptFromUnixMs: '0' });
    const h1 = (await hostsRuns.listHosts()).find((h) => h.hostId === 'h1');
    expect(h1?.rawKeptFromUnixMs).toBe(String(T0 + 3 * HOUR));
  });

  it('a second pass at the same time removes nothing', async () => {
    expect(await expiry.expireOnce(T0 + 14 * DAY + 3 * HOUR + 5 * MIN, RETAIN)).toMatchObject({ snapshots: 0 });
    expect(await count('snapshots')).toBe(1);
  });

  it('removes hourly rollups older than SC_RETAIN_HOURLY: what is left is a lower bound', async () => {
    const report = await expiry.expireOnce(T0 + 400 * DAY + 2 * HOUR + 5 * MIN, RETAIN);
    expect(report).toMatchObject({ ran: true, hourlyBeforeMs: T0 + 2 * HOUR, snapshots: 1 });
    // The 3 days left around T0 and the 4 the first pass created, 5 tables each.
    if (POSTGRES) expect(report.partitionsDropped).toBeGreaterThanOrEqual(7 * 5);
    else expect(report.partitionsDropped).toBe(0);
    if (POSTGRES) for (let d = 0; d <= 2; d++) expect(await partitionsOf(T0_DAY + d)).toEqual([]);
    expect(report.hourlyRows).toEqual({ hourly_counts: 3, hourly_process_counts: 4, hourly_cgroup_counts: 3 });
    expect(await rows(GroupBy.GROUP_BY_SYSCALL, first3h)).toEqual({
      rows: { 2: '7' },
      expired: { rawKeptFromUnixMs: String(hourOfMs(T0 + 386 * DAY + 2 * HOUR + 5 * MIN)), lowerBound: true },
    });
  });
});

function hourOfMs(t: number): number {
  return t - (t % HOUR);
}
