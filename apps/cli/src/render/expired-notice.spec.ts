import { expiredNotice, retainedNotice } from './expired-notice';

const MARK = String(Date.UTC(2026, 10, 16, 8));

describe('the expired-history notice', () => {
  it('says hourly totals are shown, or that the counts are a lower bound', () => {
    expect(expiredNotice({ rawKeptFromUnixMs: MARK, lowerBound: false })).toBe(
      'raw history before 2026-11-16T08:00:00Z has expired; hourly totals shown',
    );
    expect(expiredNotice({ rawKeptFromUnixMs: MARK, lowerBound: true })).toBe(
      'raw history before 2026-11-16T08:00:00Z has expired: the counts are a lower bound',
    );
  });

  it('says nothing for an answer that does not reach into expired time', () => {
    expect(expiredNotice(undefined)).toBe('');
    expect(expiredNotice({ rawKeptFromUnixMs: '0', lowerBound: false })).toBe('');
  });

  it('says when the history of hosts or runs expired, and nothing when none did', () => {
    const h = (raw: number, hourly: number) => ({
      rawKeptFromUnixMs: String(raw),
      hourlyKeptFromUnixMs: String(hourly),
    });
    expect(retainedNotice([h(Number(MARK), 0), h(0, 0)])).toBe('raw history before 2026-11-16T08:00:00Z has expired\n');
    expect(retainedNotice([h(Number(MARK), Number(MARK) - 3_600_000)])).toBe(
      'raw history before 2026-11-16T08:00:00Z has expired;\nhourly totals before 2026-11-16T07:00:00Z too\n',
    );
    expect(retainedNotice([h(0, 0)])).toBe('');
    expect(retainedNotice([])).toBe('');
  });
});
