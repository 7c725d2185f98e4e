import { INestApplicationContext } from '@nestjs/common';
import { DiffRequest, GroupBy, LatencyRequest, Scope, SeriesRequest, TopRequest } from '@syscall-counter/proto';
import { IngestService } from '../collection/ingest.service';
import { toGrpcStatus } from '../common/grpc-status';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { DiffService } from './diff.service';
import { LatencyService } from './latency.service';
import { SeriesService } from './series.service';
import { TopService } from './top.service';

const HOUR = 3_600_000;
const fail = (nr: number, errnoCode: number, count: number) => ({ nr, errnoCode, count: String(count) });
const lat = (count: number) => [
  { nr: 39, totalNs: String(count * 100), unreturned: '0', buckets: [{ bucket: 6, count: String(count) }] },
];

/**
 * Three hosts, each one run streaming --errors and --latency, over two hours (so whole-hour
 * rollups and per-snapshot rows both answer): host hN makes N*1000 getpid (39) at 10 s and
 * N*100 more at 2 h 10 s, and N failed close (3) with ENOENT.
 */
async function storeThreeHosts(ingest: IngestService): Promise<void> {
  for (const n of [1, 2, 3]) {
    const id = `h${n}`;
    await streamRun(ingest, hello({ hostId: id, hostname: id, runId: `r${n}`, errors: true, latency: true }), [
      snapshot(`r${n}`, 1, 10_000, [[39, n * 1000]], { failures: [fail(3, 0, n), fail(3, 2, n)], latency: lat(n) }),
      snapshot(
        `r${n}`,
        2,
        2 * HOUR + 10_000,
        [
          [3, n],
          [39, n * 1100],
        ],
        { failures: [fail(3, 0, n), fail(3, 2, n)], latency: lat(n) },
      ),
    ]);
  }
}

const scope = (s: Partial<Scope>) => Scope.fromPartial(s);

describe('a scope of several hosts (Scope.host_ids, a repeated --host)', () => {
  let app: INestApplicationContext;
  const top = async (req: Partial<TopRequest>) => {
    const resp = await app.get(TopService).top(TopRequest.fromPartial(req));
    return { total: resp.total, rows: resp.rows.map((r) => [r.key || r.nr, r.count]) };
  };

  beforeAll(async () => {
    app = await inMemoryApp();
    await storeThreeHosts(app.get(IngestService));
  });
  afterAll(() => app.close());

  it('top over two of three hosts is exactly their sum: whole runs, rollups and partial hours', async () => {
    // h1 + h3: 1100 + 3300 getpid, 1 + 3 close.
    expect(await top({ scope: scope({ hostIds: ['h1', 'h3'] }) })).toEqual({
      total: '4404',
      rows: [
        [39, '4400'],
        [3, '4'],
      ],
    });
    // A window cutting an hour: [10 s, 2 h 10 s] reads rows, the whole hour 1 h..2 h the rollups.
    const window = { sinceUnixMs: String(T0 + 5_000), untilUnixMs: String(T0 + 2 * HOUR + 20_000) };
    expect((await top({ scope: scope({ hostIds: ['h1', 'h3'], ...window }) })).total).toBe('4404');
    expect(
      (await top({ scope: scope({ hostIds: ['h3', 'h1'], ...window, untilUnixMs: String(T0 + HOUR) }) })).total,
    ).toBe('4000');
    expect(await top({ scope: scope({ hostIds: ['h1', 'h3'] }), by: GroupBy.GROUP_BY_HOST })).toEqual({
      total: '4404',
      rows: [
        ['h3', '3303'],
        ['h1', '1101'],
      ],
    });
  });

  it('host_id (old clients) and host_ids add up; each host once', async () => {
    const both = await top({ scope: scope({ hostId: 'h2', hostIds: ['h3', 'h2'] }) });
    expect(both.total).toBe(String(2202 + 3303));
    expect((await top({ scope: scope({ hostId: 'h2' }) })).total).toBe('2202');
  });

  it('failed calls, by syscall and by errno, over two hosts', async () => {
    const failed = { scope: scope({ hostIds: ['h1', 'h2'] }), failed: true };
    expect((await top(failed)).rows).toEqual([[3, '3']]);
    expect((await top({ ...failed, by: GroupBy.GROUP_BY_ERRNO, syscallNr: 3 })).rows).toEqual([['2', '3']]);
  });

  it('series and latency over two hosts sum theirs', async () => {
    const s = await app
      .get(SeriesService)
      .series(SeriesRequest.fromPartial({ scope: scope({ hostIds: ['h2', 'h3'] }), bucketMs: String(HOUR) }));
    expect(s.totals.reduce((sum, c) => sum + BigInt(c), 0n)).toBe(2202n + 3303n);
    const l = await app
      .get(LatencyService)
      .latency(LatencyRequest.fromPartial({ scope: scope({ hostIds: ['h2', 'h3'] }) }));
    expect(l.rows.map((r) => [r.nr, r.buckets[6]])).toEqual([[39, '5']]);
  });

  it('diff of two host sets', async () => {
    const d = await app
      .get(DiffService)
      .diff(DiffRequest.fromPartial({ a: scope({ hostIds: ['h1', 'h2'] }), b: scope({ hostIds: ['h2', 'h3'] }) }));
    expect([d.a?.total, d.b?.total]).toEqual(['3303', '5505']);
    expect(d.rows.find((r) => r.nr === 39)).toMatchObject({ countA: '3300', countB: '5500' });
  });

  it('an unknown host among several is NOT_FOUND, naming it', async () => {
    let err: unknown;
    await top({ scope: scope({ hostIds: ['h1', 'nope'] }) }).catch((e: unknown) => (err = e));
    expect(toGrpcStatus(err)).toEqual({ code: 5, message: "unknown host 'nope'" });
  });
});
