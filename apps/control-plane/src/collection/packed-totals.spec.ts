import { packTotals, unpackTotals } from './packed-totals';

describe('packed run totals', () => {
  it('packs sorted by nr and unpacks exactly, beyond 2^53', () => {
    const totals = new Map<number, bigint>([
      [110, 17n],
      [0, 5n],
      [39, 9_007_199_254_740_993n],
    ]);
    const text = packTotals(totals);
    expect(text).toBe('{"0":5,"39":9007199254740993,"110":17}');
    expect(unpackTotals(text)).toEqual(new Map([...totals].sort((a, b) => a[0] - b[0])));
  });

  it("reads PostgreSQL's json_object_agg spelling (the migration's backfill) and nothing as empty", () => {
    expect(unpackTotals('{ "0" : 5, "110" : 17 }')).toEqual(
      new Map([
        [0, 5n],
        [110, 17n],
      ]),
    );
    expect(unpackTotals(null)).toEqual(new Map());
    expect(unpackTotals(packTotals(new Map()))).toEqual(new Map());
  });
});
