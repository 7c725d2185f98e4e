import { lastBucketPartial, ratePoints } from './series-points';
import { layoutFor, wrapText } from './layout';

describe('series points: no cliff from a partial last bucket', () => {
  const t = { start: 0, bucketMs: 10_000, lastUnixMs: 25_000 };

  it('takes the last bucket over the time it covers, its point at the data end', () => {
    // 100 calls/s throughout: the last bucket holds 5 s of calls, not 10.
    expect(ratePoints(t, [1000n, 1000n, 500n])).toEqual([
      [10_000, 100],
      [20_000, 100],
      [25_000, 100],
    ]);
    expect(lastBucketPartial(t, 3)).toBe(true);
  });

  it('leaves out a sliver under a tenth of a bucket; whole buckets stay as they are', () => {
    expect(ratePoints({ ...t, lastUnixMs: 20_500 }, [1000n, 1000n, 50n])).toHaveLength(2);
    expect(ratePoints({ ...t, lastUnixMs: 30_000 }, [1000n, 1000n, 1000n])[2]).toEqual([30_000, 100]);
    expect(lastBucketPartial({ ...t, lastUnixMs: 30_000 }, 3)).toBe(false);
  });
});

describe('chart layout: nothing overprints', () => {
  it('wraps a long title to the width and puts the plot area under it', () => {
    const title = 'Busiest syscalls, host web-1, comm nginx, since 2026-11-30 07:00:00 UTC+01:00, 2026-11-30';
    const narrow = layoutFor(title, { width: 300, height: 200 });
    expect(narrow.title.split('\n').length).toBeGreaterThan(1);
    expect(narrow.title.split('\n').every((l) => l.length * narrow.titleSize * 0.6 <= 300 - 20)).toBe(true);
    expect(narrow.top).toBeGreaterThan(10 + narrow.title.split('\n').length * narrow.titleSize);
    const wide = layoutFor(title, { width: 1200, height: 600 });
    expect(wide.title).toBe(title);
    expect(wide.ticks).toBeGreaterThan(narrow.ticks);
  });

  it('breaks at spaces', () => {
    expect(wrapText('a bb ccc dddd', 6)).toEqual(['a bb', 'ccc', 'dddd']);
  });
});
