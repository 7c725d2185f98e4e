import { displayClock, displaySpan, displayTime, zoneName } from './clock';

// 2026-11-30T07:15:02Z and an hour and a bit later.
const AT = Date.UTC(2026, 10, 30, 7, 15, 2);
const LATER = AT + 3725_000;

describe('times in local time with the zone shown', () => {
  const paris = { timeZone: 'Europe/Paris' };

  it('shows local time and its offset; --utc shows UTC', () => {
    expect(displayTime(AT, paris)).toBe('2026-11-30 08:15:02 UTC+01:00');
    expect(displayTime(String(AT), true)).toBe('2026-11-30 07:15:02 UTC');
    expect(displayClock(AT, paris)).toBe('2026-11-30 08:15:02');
    expect(zoneName(paris, AT)).toBe('UTC+01:00');
    expect(displayTime(0, paris)).toBe('-');
    expect(displayTime(AT, { timeZone: 'Etc/UTC' })).toBe('2026-11-30 07:15:02 UTC');
  });

  it('half-hour and negative offsets, and summer time', () => {
    expect(displayTime(AT, { timeZone: 'Asia/Kolkata' })).toBe('2026-11-30 12:45:02 UTC+05:30');
    const ny = { timeZone: 'America/New_York' };
    expect(displayTime(AT, ny)).toBe('2026-11-30 02:15:02 UTC-05:00');
    expect(displayTime(Date.UTC(2026, 6, 1, 12), ny)).toBe('2026-07-01 08:00:00 UTC-04:00');
  });

  it('a span names the zone once and the end date only when it differs', () => {
    expect(displaySpan(String(AT), String(LATER), paris)).toBe('2026-11-30 08:15:02 – 09:17:07 UTC+01:00 (1h 2m)');
    expect(displaySpan(String(AT), String(AT + 86400_000), true)).toBe(
      '2026-11-30 07:15:02 – 2026-12-01 07:15:02 UTC (24h 0m)',
    );
  });
});
