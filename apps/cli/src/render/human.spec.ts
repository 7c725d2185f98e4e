import { humanCount, humanDuration, humanSeconds, plural, rateText } from './human';

describe('numbers a person reads', () => {
  it('counts: exact up to 9999, then three significant digits with k, M, G', () => {
    expect([0n, 7000n, 9999n].map(humanCount)).toEqual(['0', '7000', '9999']);
    expect([10000n, 12345n, 123456n, 999499n].map(humanCount)).toEqual(['10.0k', '12.3k', '123k', '999k']);
    expect([999500n, 1234567n, 248449123n, 18446744073709551615n].map(humanCount)).toEqual([
      '1.00M',
      '1.23M',
      '248M',
      '18.4E',
    ]);
    expect(humanCount(-12345n)).toBe('-12.3k');
  });

  it('rates: one decimal while small, then like counts; exact keeps the decimal', () => {
    expect(rateText(1.5, false)).toBe('1.5');
    expect(rateText(12345.67, false)).toBe('12.3k');
    expect(rateText(12345.67, true)).toBe('12345.7');
  });

  it('durations in the unit that fits: 850 ns, 3.4 µs, 850 µs, 12 ms, 1.6 s', () => {
    expect([850, 3400, 850e3, 12.4e6, 1610612740, 999.9e3].map(humanDuration)).toEqual([
      '850 ns',
      '3.4 µs',
      '850 µs',
      '12 ms',
      '1.6 s',
      '1.0 ms',
    ]);
  });

  it('spans and plurals', () => {
    expect([2.04, 90, 3725].map(humanSeconds)).toEqual(['2.0 s', '1m 30s', '1h 2m']);
    expect(plural(1, 'errno')).toBe('1 errno');
    expect(plural(3, 'process', 'processes')).toBe('3 processes');
  });
});
