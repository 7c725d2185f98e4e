import { parseSide } from './side-spec';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('parseSide', () => {
  it('reads a bare id as a run', () => {
    expect(parseSide('3f2a9c1e', NOW)).toEqual({
      scope: {
        hostId: '',
        hostIds: [],
        runId: '3f2a9c1e',
        sinceUnixMs: '0',
        untilUnixMs: '0',
        pid: 0,
        comm: '',
        container: '',
      },
      label: 'run 3f2a9c1e',
    });
  });

  it('reads HOST@SINCE..UNTIL with durations back from now', () => {
    const { scope, label } = parseSide('web-1@48h..24h', NOW);
    expect(scope).toEqual({
      hostId: 'web-1',
      hostIds: [],
      runId: '',
      sinceUnixMs: String(NOW - 48 * 3600e3),
      untilUnixMs: String(NOW - 24 * 3600e3),
      pid: 0,
      comm: '',
      container: '',
    });
    expect(label).toBe('web-1 2026-11-22T12:00:00Z..2026-11-23T12:00:00Z');
  });

  it('reads @SINCE as the fleet up to now, and timestamps', () => {
    expect(parseSide('@1h', NOW).scope).toMatchObject({
      hostId: '',
      sinceUnixMs: String(NOW - 3600e3),
      untilUnixMs: String(NOW),
    });
    expect(parseSide('db@2026-11-24T10:00:00Z..2026-11-24T11:00:00Z', NOW).scope).toMatchObject({
      sinceUnixMs: String(Date.parse('2026-11-24T10:00:00Z')),
      untilUnixMs: String(Date.parse('2026-11-24T11:00:00Z')),
    });
  });

  it.each([
    ['web-1@', /cannot read 'web-1@' as a window/],
    ['web-1@1h..2h..3h', /cannot read .* as a window/],
    ['web-1@1h..2h', /ends before it starts/],
    ['web-1@whenever', /cannot read 'whenever' as a time/],
    ['', /an empty run id/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseSide(spec, NOW)).toThrow(message);
  });
});
