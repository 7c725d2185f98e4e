import { addToPacked, packTotals, unpackTotals } from './packed-totals';

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

describe('packed totals scanner', () => {
  const viaRegex = (text: string) =>
    new Map([...text.matchAll(/"(\d+)"\s*:\s*(\d+)/g)].map((m) => [Number(m[1]), BigInt(m[2])]));

  it('reads what the regex reads: whitespace, 15 and 16+ digit counts, 2^63-1, leading zeros', () => {
    for (const text of [
      '{}',
      ' { } ',
      '{"7":0}',
      '{"0": 5, "1":999999999999999,"2":1000000000000000,"3":9223372036854775807}',
      '{\n "4" :\t007 ,"5":18446744073709551615 }',
    ])
      expect(unpackTotals(text)).toEqual(viaRegex(text));
    expect(unpackTotals('{"3":9223372036854775807}').get(3)).toBe(9_223_372_036_854_775_807n);
  });

  it('falls back to the regex reader on text it does not expect, with the same pairs', () => {
    for (const text of ['{"1":2,}', '{"1":2} x "3":4', '{"1234567890123456":1}', '["1":2]', '{"a":1,"2":3}'])
      expect(unpackTotals(text)).toEqual(viaRegex(text));
  });

  it('packs unsorted maps sorted by nr and round-trips random totals exactly', () => {
    expect(
      packTotals(
        new Map([
          [3, 1n],
          [1, 2n],
        ]),
      ),
    ).toBe('{"1":2,"3":1}');
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let k = 0; k < 50; k++) {
      const m = new Map<number, bigint>();
      for (let j = rand() % 80; j > 0; j--) m.set(rand() % 500, (BigInt(rand()) << BigInt(rand() % 33)) + 1n);
      const sorted = new Map([...m].sort((a, b) => a[0] - b[0]));
      expect(unpackTotals(packTotals(m))).toEqual(sorted);
      expect([...unpackTotals(packTotals(m)).keys()]).toEqual([...sorted.keys()]);
    }
  });
});

describe('addToPacked', () => {
  /** What it replaces: unpack, add per nr, pack. */
  const viaMap = (text: string | null, add: Map<number, bigint>) => {
    const counts = unpackTotals(text);
    for (const [nr, c] of add) counts.set(nr, (counts.get(nr) ?? 0n) + c);
    return packTotals(counts);
  };
  const add = new Map<number, bigint>([
    [9, 1n],
    [0, 2n],
    [4, 2n ** 53n],
    [7, 5n],
  ]);

  it('merges in nr order, exactly past 2^53, on new and stored rows', () => {
    expect(addToPacked(null, add)).toBe('{"0":2,"4":9007199254740992,"7":5,"9":1}');
    expect(addToPacked('{"0":999999999999999,"4":1,"5":3,"12":18446744073709551615}', add)).toBe(
      '{"0":1000000000000001,"4":9007199254740993,"5":3,"7":5,"9":1,"12":18446744073709551615}',
    );
  });

  it('gives what unpack, add and pack give, on any stored spelling', () => {
    for (const text of [
      '',
      '{}',
      '{ "0" : 5, "110" : 17 }',
      '{"7":9007199254740991,"9":0}',
      '{"9":1,"0":1}', // not in nr order
      '{"4":1,"4":2}', // a repeated nr
      '{"1":2} x', // left to the regex reader
      '{"0":007}',
    ])
      expect(addToPacked(text, add)).toBe(viaMap(text, add));
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let k = 0; k < 50; k++) {
      const [stored, more] = [new Map<number, bigint>(), new Map<number, bigint>()];
      for (let j = rand() % 70; j > 0; j--) stored.set(rand() % 300, BigInt(rand()) << BigInt(rand() % 33));
      for (let j = rand() % 70; j > 0; j--) more.set(rand() % 300, BigInt(rand()) << BigInt(rand() % 30));
      expect(addToPacked(packTotals(stored), more)).toBe(viaMap(packTotals(stored), more));
    }
  });
});
