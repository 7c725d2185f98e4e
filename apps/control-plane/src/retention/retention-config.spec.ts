import { loadRetentionConfig, parseDuration } from './retention-config';

const H = 3_600_000;

describe('retention settings', () => {
  it('reads durations in s, m, h and d; 0 and off keep forever', () => {
    expect(parseDuration('X', '36h', H)).toBe(36 * H);
    expect(parseDuration('X', '14d', H)).toBe(14 * 24 * H);
    expect(parseDuration('X', '90m', H)).toBe(90 * 60_000);
    expect(parseDuration('X', '0', H)).toBe(0);
    expect(parseDuration('X', 'off', H)).toBe(0);
  });

  it.each(['14', '2weeks', '-1d', '1.5d', '30m', ''])("refuses '%s' with one line naming the variable", (v) => {
    expect(() => parseDuration('SC_RETAIN_RAW', v, H)).toThrow(
      new RegExp(`^SC_RETAIN_RAW '${v}' must be a duration of 1 h to 100 years`),
    );
  });

  it('defaults: 14 days raw, 400 days hourly, a pass every hour, the first 10 minutes after start', () => {
    expect(loadRetentionConfig({})).toEqual({
      rawMs: 14 * 24 * H,
      hourlyMs: 400 * 24 * H,
      everyMs: H,
      firstMs: 600_000,
    });
  });

  it('hourly totals must outlive raw rows: they answer for expired raw time', () => {
    expect(() => loadRetentionConfig({ SC_RETAIN_RAW: '30d', SC_RETAIN_HOURLY: '7d' })).toThrow(
      /^SC_RETAIN_HOURLY \(7d\) must be at least SC_RETAIN_RAW \(30d\)/,
    );
    expect(() => loadRetentionConfig({ SC_RETAIN_RAW: 'off' })).toThrow(/SC_RETAIN_HOURLY/);
    expect(loadRetentionConfig({ SC_RETAIN_RAW: 'off', SC_RETAIN_HOURLY: 'off' })).toMatchObject({
      rawMs: 0,
      hourlyMs: 0,
    });
  });
});
