import { packTotals } from '../collection/packed-totals';
import { countsText } from './metrics.repository';

describe("a host's packed totals as the scrape's counts text", () => {
  it('gives "nr count" pairs in nr order, zero counts left out, exact beyond 2^53', () => {
    const packed = packTotals(
      new Map([
        [110, 17n],
        [0, 5n],
        [3, 0n],
        [39, 9_007_199_254_740_993n],
      ]),
    );
    expect(countsText(packed)).toBe('0 5,39 9007199254740993,110 17');
  });

  it("reads PostgreSQL's json_object_agg spelling, any order, and none as null", () => {
    expect(countsText('{ "110" : 17, "0" : 5 }')).toBe('0 5,110 17');
    expect(countsText(null)).toBeNull();
    expect(countsText('{}')).toBeNull();
  });
});
