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

  it('gives the earliest retained raw and hourly history of a listing', () => {
    const h = (raw: number, hourly: number) => ({
      rawKeptFromUnixMs: String(raw),
      hourlyKeptFromUnixMs: String(hourly),
    });
    expect(retainedNotice([h(Number(MARK) + 5000, Number(MARK)), h(Number(MARK), Number(MARK) - 3_600_000)])).toBe(
      'Retained: raw history from 2026-11-16T08:00:00Z, hourly totals from 2026-11-16T07:00:00Z\n',
    );
    expect(retainedNotice([])).toBe('');
  });
});
