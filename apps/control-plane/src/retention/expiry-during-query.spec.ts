import { INestApplicationContext } from '@nestjs/common';
import { GroupBy, Scope } from '@syscall-counter/proto';
import { IngestService } from '../collection/ingest.service';
import { AbortedError } from '../common/domain-errors';
import { SeriesService } from '../queries/series.service';
import { CountsRepository } from '../queries/data/counts.repository';
import { TopService } from '../queries/top.service';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { ExpiryService } from './expiry.service';
import { RetentionConfig } from './retention-config';
import { RetentionMarks, RetentionMarksRepository } from './retention-marks.repository';
import { expiryOf } from '../testing/expiry-service';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const RETAIN: RetentionConfig = { rawMs: 14 * DAY, hourlyMs: 400 * DAY, everyMs: HOUR, firstMs: MIN };
/** A pass at this time expires raw rows before T0 + @hours h. */
const passAt = (hours: number) => T0 + 14 * DAY + hours * HOUR + 5 * MIN;

/** h1/r1 from T0: deltas {39:10, 2:5} @10 min, {39:15} @70 min, {2:7} @130 min, {39:5} @200 min. */
async function storeHistory(ingest: IngestService): Promise<void> {
  const counts: Array<[number, Array<[number, number]>]> = [
    [
      10,
      [
        [39, 10],
        [2, 5],
      ],
    ],
    [
      70,
      [
        [39, 25],
        [2, 5],
      ],
    ],
    [
      130,
      [
        [39, 25],
        [2, 12],
      ],
    ],
    [
      200,
      [
        [39, 30],
        [2, 12],
      ],
    ],
  ];
  await streamRun(
    ingest,
    hello(),
    counts.map(([at, c], i) => snapshot('r1', i + 1, at * MIN, c)),
  );
}

/** The CountsRepository reads a query's answer is made of (after it read the marks). */
const PIECE_READS = ['fromRows', 'fromRollupLess', 'span', 'seriesRows', 'seriesLines'] as const;

/**
 * Expiry passes run between a query's read of the retention marks and its next read of counts,
 * deterministically: after each read of the marks, the first read of counts is preceded by an
 * expiry pass (at passAt(3), passAt(4), ... in turn), @passes of them in all.
 */
function expireBetweenReads(expiry: ExpiryService, passes: number): jest.SpyInstance[] {
  const marks = RetentionMarksRepository.prototype.marks;
  let armed = false;
  let ran = 0;
  const spies: jest.SpyInstance[] = [
    jest.spyOn(RetentionMarksRepository.prototype, 'marks').mockImplementation(async function (
      this: RetentionMarksRepository,
    ): Promise<RetentionMarks> {
      armed = true;
      return marks.call(this);
    }),
  ];
  for (const name of PIECE_READS) {
    const read = CountsRepository.prototype[name] as (...args: unknown[]) => Promise<unknown>;
    const spy = jest.spyOn(CountsRepository.prototype, name) as unknown as jest.SpyInstance;
    spy.mockImplementation(async function (this: CountsRepository, ...args: unknown[]) {
      if (armed && ran < passes) await expiry.expireOnce(passAt(3 + ran++), RETAIN);
      armed = false;
      return read.apply(this, args);
    });
    spies.push(spy);
  }
  return spies;
}

const window = (since: number, until: number): Scope =>
  Scope.fromPartial({ sinceUnixMs: String(T0 + since), untilUnixMs: String(T0 + until) });

describe("an expiry pass between a query's reads of the marks and of the pieces", () => {
  let app: INestApplicationContext;
  let expiry: ExpiryService;
  let spies: jest.SpyInstance[] = [];

  beforeEach(async () => {
    app = await inMemoryApp();
    ({ expiry } = expiryOf(app));
    await storeHistory(app.get(IngestService));
  });
  afterEach(async () => {
    for (const s of spies) s.mockRestore();
    await app.close();
  });

  const top = (scope: Scope) =>
    app.get(TopService).top({ scope, by: GroupBy.GROUP_BY_SYSCALL, limit: 0, failed: false });

  it('top: the raw edges and ten minutes it planned are gone; it sums again from the hourly rollups', async () => {
    spies = expireBetweenReads(expiry, 1);
    // Planned before the pass: raw rows [5 min, 10 min) and [2 h 10, 2 h 15), ten minutes
    // [10 min, 1 h) and [2 h, 2 h 10), the hour [1 h, 2 h). Raw rows before 3 h are gone after it.
    const r = await top(window(5 * MIN, 2 * HOUR + 15 * MIN));
    expect(Object.fromEntries(r.rows.map((x) => [x.nr, x.count]))).toEqual({ 39: '25', 2: '12' });
    expect(r.expired).toEqual({ rawKeptFromUnixMs: String(T0 + 3 * HOUR), lowerBound: false });
  });

  it('series: buckets read after the pass come with the notice that raw history expired', async () => {
    spies = expireBetweenReads(expiry, 1);
    const s = await app.get(SeriesService).series({ scope: window(0, 3 * HOUR), bucketMs: String(HOUR), top: 5 });
    expect(s.expired).toEqual({ rawKeptFromUnixMs: String(T0 + 3 * HOUR), lowerBound: true });
    expect(s.totals.every((c) => c === '0')).toBe(true);
  });

  it('a pass during the second reading as well: aborted, not answered low', async () => {
    spies = expireBetweenReads(expiry, 2);
    await expect(top(window(5 * MIN, 2 * HOUR + 15 * MIN))).rejects.toThrow(AbortedError);
    for (const s of spies) s.mockRestore();
    // Asked again: exact, and says what expired.
    const r = await top(window(5 * MIN, 2 * HOUR + 15 * MIN));
    expect(Object.fromEntries(r.rows.map((x) => [x.nr, x.count]))).toEqual({ 39: '25', 2: '12' });
    expect(r.expired).toEqual({ rawKeptFromUnixMs: String(T0 + 4 * HOUR), lowerBound: false });
  });
});
