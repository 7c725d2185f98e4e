import { status } from '@grpc/grpc-js';
import { INestApplicationContext } from '@nestjs/common';
import { DiffRequest, GroupBy, LatencyRequest, Scope, SeriesRequest, TopRequest } from '@syscall-counter/proto';
import { IngestService } from '../collection/ingest.service';
import { toGrpcStatus } from '../common/grpc-status';
import { HostsRunsService } from '../hosts-runs/hosts-runs.service';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { DiffService } from './diff.service';
import { LatencyService } from './latency.service';
import { SeriesService } from './series.service';
import { TopService } from './top.service';

const HOUR = 3_600_000;
const proc = (pid: number, comm: string, nr: number, count: number) => ({
  pid,
  comm,
  nr,
  count: String(count),
});
const fail = (nr: number, errnoCode: number, count: number) => ({ nr, errnoCode, count: String(count) });
const lat = (totalNs: number, buckets: Array<[number, number]>) => [
  {
    nr: 39,
    totalNs: String(totalNs),
    unreturned: '0',
    buckets: buckets.map(([b, c]) => ({ bucket: b, count: String(c) })),
  },
];

/**
 * h1/r1 (-P 2, --errors, --latency): deltas {2:5, 39:10, 110:4} @10 s, {39:5} @20 s, {2:3, 110:5} @1 h 10 s;
 * processes 100 "a" 16 calls, 200 "b" 9, other 7; failures of nr 2: 4 (errno 2: 3, errno 13: 1).
 * h2/r2 (plain): {39:100} @10 s, {39:30, 0:1} @2 h 10 s.
 */
async function storeHistory(ingest: IngestService): Promise<void> {
  const on = { processTopK: 2, errors: true, latency: true };
  await streamRun(ingest, hello(on), [
    snapshot(
      'r1',
      1,
      10_000,
      [
        [2, 5],
        [39, 10],
        [110, 4],
      ],
      {
        processes: [proc(100, 'a', 39, 6), proc(200, 'b', 110, 4), proc(100, 'a', 2, 5)],
        failures: [fail(2, 0, 3), fail(2, 2, 3)],
        latency: lat(1000, [[3, 10]]),
      },
    ),
    snapshot(
      'r1',
      2,
      20_000,
      [
        [2, 5],
        [39, 15],
        [110, 4],
      ],
      {
        processes: [proc(100, 'a', 39, 5)],
        failures: [fail(2, 0, 3), fail(2, 2, 3)],
        latency: lat(1500, [
          [3, 12],
          [4, 3],
        ]),
      },
    ),
    snapshot(
      'r1',
      3,
      HOUR + 10_000,
      [
        [2, 8],
        [39, 15],
        [110, 9],
      ],
      {
        processes: [proc(200, 'b', 110, 5)],
        failures: [fail(2, 0, 4), fail(2, 2, 3), fail(2, 13, 1)],
        latency: lat(1500, [
          [3, 12],
          [4, 3],
        ]),
      },
    ),
  ]);
  await streamRun(ingest, hello({ hostId: 'h2', hostname: 'h2', runId: 'r2' }), [
    snapshot('r2', 1, 10_000, [[39, 100]]),
    snapshot('r2', 2, 2 * HOUR + 10_000, [
      [0, 1],
      [39, 130],
    ]),
  ]);
}

const scope = (s: Partial<Scope> = {}) => Scope.fromPartial(s);
const at = (ms: number) => String(T0 + ms);

describe('query services over an in-memory SQLite history', () => {
  let app: INestApplicationContext;
  let top: (req: Partial<TopRequest>) => Promise<Array<[string | number, string, string?]>>;
  const codeOf = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      return 'ok';
    } catch (e) {
      return toGrpcStatus(e);
    }
  };

  beforeAll(async () => {
    app = await inMemoryApp();
    await storeHistory(app.get(IngestService));
    top = async (req) =>
      (await app.get(TopService).top(TopRequest.fromPartial(req))).rows.map((r) =>
        r.key ? (r.label ? [r.key, r.count, r.label] : [r.key, r.count]) : [r.nr, r.count],
      );
  });
  afterAll(() => app.close());

  it('top by syscall and by host over the whole history, exactly', async () => {
    expect(await top({ scope: scope() })).toEqual([
      [39, '145'],
      [110, '9'],
      [2, '8'],
      [0, '1'],
    ]);
    const resp = await app.get(TopService).top(TopRequest.fromPartial({ scope: scope(), by: GroupBy.GROUP_BY_HOST }));
    expect(resp.rows.map((r) => [r.key, r.count])).toEqual([
      ['h2', '131'],
      ['h1', '32'],
    ]);
    expect([resp.total, resp.firstUnixMs, resp.lastUnixMs, resp.arch]).toEqual([
      '163',
      at(0),
      at(2 * HOUR + 10_000),
      'x86_64',
    ]);
  });

  it('windows give the same sums from hourly rollups, partial hours and both', async () => {
    expect(await top({ scope: scope({ sinceUnixMs: at(0), untilUnixMs: at(2 * HOUR) }) })).toEqual([
      [39, '115'],
      [110, '9'],
      [2, '8'],
    ]);
    expect(await top({ scope: scope({ sinceUnixMs: at(15_000), untilUnixMs: at(HOUR + 20_000) }) })).toEqual([
      [39, '5'],
      [110, '5'],
      [2, '3'],
    ]);
    expect(await top({ scope: scope({ sinceUnixMs: at(15_000) }) })).toEqual([
      [39, '35'],
      [110, '5'],
      [2, '3'],
      [0, '1'],
    ]);
  });

  it('top by process, by failed errno and failed syscalls, and listings', async () => {
    expect(await top({ scope: scope({ runId: 'r1' }), by: GroupBy.GROUP_BY_PROCESS })).toEqual([
      ['100', '16', 'a'],
      ['200', '9', 'b'],
      ['0', '7', 'other'],
    ]);
    expect(await top({ scope: scope({ runId: 'r1' }), by: GroupBy.GROUP_BY_PROCESS, syscallNr: 2 })).toEqual([
      ['100', '5', 'a'],
      ['0', '3', 'other'],
    ]);
    expect(await top({ scope: scope(), failed: true })).toEqual([[2, '4']]);
    expect(await top({ scope: scope(), failed: true, by: GroupBy.GROUP_BY_ERRNO })).toEqual([
      ['2', '3'],
      ['13', '1'],
    ]);
    const hostsRuns = app.get(HostsRunsService);
    expect((await hostsRuns.listHosts()).map((h) => [h.hostId, h.runs, h.total])).toEqual([
      ['h1', 1, '32'],
      ['h2', 1, '131'],
    ]);
    expect((await hostsRuns.listRuns('h2')).map((r) => [r.runId, r.lastSeq, r.total, r.finished])).toEqual([
      ['r2', '2', '131', false],
    ]);
  });

  it('series: calls per bucket of the busiest syscalls and of all', async () => {
    const s = await app
      .get(SeriesService)
      .series(SeriesRequest.fromPartial({ scope: scope({ hostId: 'h1' }), bucketMs: String(HOUR) }));
    expect([s.startUnixMs, s.bucketMs, s.buckets, s.totals]).toEqual([at(0), String(HOUR), 2, ['24', '8']]);
    expect(s.lines.map((l) => [l.nr, l.counts])).toEqual([
      [39, ['15', '0']],
      [110, ['4', '5']],
      [2, ['5', '3']],
    ]);
  });

  it('diff: by default (by absent or UNSPECIFIED) per syscall; by process per name', async () => {
    const diff = app.get(DiffService);
    const req = { a: scope({ runId: 'r1' }), b: scope({ runId: 'r2' }) };
    const bySyscall = [
      [0, '0', '1'],
      [2, '8', '0'],
      [39, '15', '130'],
      [110, '9', '0'],
    ];
    const rows = async (r: DiffRequest) => (await diff.diff(r)).rows.map((x) => [x.key || x.nr, x.countA, x.countB]);
    expect(await rows({ ...req, by: undefined } as unknown as DiffRequest)).toEqual(bySyscall);
    expect(await rows(DiffRequest.fromPartial(req))).toEqual(bySyscall);
    const halves = {
      a: scope({ runId: 'r1', untilUnixMs: at(HOUR) }),
      b: scope({ runId: 'r1', sinceUnixMs: at(HOUR) }),
    };
    expect(await rows(DiffRequest.fromPartial({ ...halves, by: GroupBy.GROUP_BY_PROCESS }))).toEqual([
      [0, '4', '3'],
      ['a', '16', '0'],
      ['b', '4', '5'],
    ]);
    expect((await diff.diff(DiffRequest.fromPartial(req))).a?.total).toBe('32');
  });

  it('latency: the histogram sums over the scope', async () => {
    const l = await app.get(LatencyService).latency(LatencyRequest.fromPartial({ scope: scope() }));
    expect(l.rows.map((r) => [r.nr, r.totalNs, r.unreturned, r.buckets.slice(0, 6)])).toEqual([
      [39, '1500', '0', ['0', '0', '0', '12', '3', '0']],
    ]);
  });

  it('bad requests are domain errors with their status, never INTERNAL', async () => {
    const t = app.get(TopService);
    const d = app.get(DiffService);
    expect(await codeOf(() => t.top(TopRequest.fromPartial({ scope: scope({ hostId: 'nope' }) })))).toEqual({
      code: status.NOT_FOUND,
      message: "unknown host 'nope'",
    });
    expect(
      await codeOf(() =>
        t.top(TopRequest.fromPartial({ scope: scope({ runId: 'r2' }), by: GroupBy.GROUP_BY_PROCESS })),
      ),
    ).toEqual({
      code: status.FAILED_PRECONDITION,
      message: "no run of run 'r2' was streamed with per-process data (agent -P)",
    });
    expect(
      await codeOf(() => t.top(TopRequest.fromPartial({ scope: scope({ pid: 100, container: 'x' }) }))),
    ).toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    expect(
      await codeOf(() => t.top(TopRequest.fromPartial({ scope: scope(), by: GroupBy.GROUP_BY_ERRNO }))),
    ).toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    expect(
      await codeOf(() => app.get(SeriesService).series(SeriesRequest.fromPartial({ scope: scope(), bucketMs: '500' }))),
    ).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'bucket must be at least 1 s',
    });
    expect(await codeOf(() => d.diff({ ...DiffRequest.fromPartial({}), by: -1 as unknown as GroupBy }))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: expect.stringMatching(/^diff by: -1 is not a GroupBy/),
    });
    expect(await codeOf(() => d.diff(DiffRequest.fromPartial({ by: GroupBy.GROUP_BY_HOST })))).toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });
});
