import { INestApplicationContext } from '@nestjs/common';
import { IngestService } from '../collection/ingest.service';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { asStrings, keyed } from '../testing/keyed-counts';
import { CountsRepository } from './data/counts.repository';
import { Key, NEVER, Window } from './scope-window';
import { pieces, TallyService } from './tally.service';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const STEP = 70 * SEC; // snapshots every 70 s: they fall anywhere in the ten minutes
const SNAPS = 160; // about 3 h 6 min of history per host

/**
 * Two hosts' runs (-P 2 -C 2), SNAPS snapshots each from T0 + 70 s: 6 syscalls growing by uneven
 * amounts, two named processes and two named cgroups per snapshot (the rest under pid 0 / "other").
 */
async function storeHistory(ingest: IngestService): Promise<void> {
  for (const [h, hostId] of ['h1', 'h2'].entries()) {
    const counts = [0, 0, 0, 0, 0, 0];
    const snaps = [];
    for (let seq = 1; seq <= SNAPS; seq++) {
      const inc = counts.map((_, i) => 1 + ((seq * 37 + i * 11 + h * 5) % 23));
      inc.forEach((d, i) => (counts[i] += d));
      snaps.push(
        snapshot(
          `r${h}`,
          seq,
          seq * STEP,
          counts.map((c, i) => [i * 2, c]),
          {
            processes: [
              { pid: 100 + h, comm: 'a', nr: 0, count: String(inc[0]) },
              { pid: 200, comm: 'b', nr: 2, count: String(inc[1]) },
              // Seen once, in the raw side a long edge subtracts from its ten minutes.
              ...(seq === 1 && h === 1 ? [{ pid: 300, comm: 'once', nr: 4, count: '10' }] : []),
            ],
            cgroups: [
              { path: '/a.slice/docker-aaa.scope', container: 'docker:aaa', nr: 0, count: String(inc[0]) },
              { path: '/b.slice', container: '', nr: 4, count: String(inc[2]) },
            ],
          },
        ),
      );
    }
    await streamRun(ingest, hello({ hostId, hostname: hostId, runId: `r${h}`, processTopK: 2, cgroupTopK: 2 }), snaps);
  }
}

/** Windows whose edges fall off the hours and the ten minutes (and two unbounded ones). */
const WINDOWS: Array<[string, number, number]> = [
  ['hours, ten minutes and short raw edges', T0 + 7 * MIN + 13 * SEC, T0 + 2 * HOUR + 41 * MIN + 7 * SEC],
  ['long edges: ten minutes less raw rows', T0 + 2 * MIN + 5 * SEC, T0 + 2 * HOUR + 48 * MIN + 1],
  ['inside one hour, long edges', T0 + 12 * MIN + 1, T0 + 58 * MIN + 30 * SEC],
  ['across one hour boundary, no whole hour', T0 + 47 * MIN, T0 + HOUR + 33 * MIN + 3 * SEC],
  ['inside ten minutes: raw only', T0 + HOUR + 61 * SEC, T0 + HOUR + 6 * MIN],
  ['on the ten minutes exactly', T0 + 20 * MIN, T0 + 2 * HOUR + 50 * MIN],
  ['unbounded start', 0, T0 + HOUR + 15 * MIN + 1],
  ['unbounded end', T0 + 2 * HOUR + 3 * MIN + 5 * SEC, 0],
  ['ending after the last snapshot', T0 + 2 * HOUR + 55 * MIN + 30 * SEC, T0 + 3 * HOUR + 8 * MIN],
];
const GROUPINGS: Array<[Key, 'deltas' | 'processes' | 'cgroups']> = [
  ['syscall', 'deltas'],
  ['host', 'deltas'],
  ['process', 'processes'],
  ['comm', 'processes'],
  ['syscall', 'processes'],
  ['container', 'cgroups'],
  ['containerKey', 'cgroups'],
  ['host', 'cgroups'],
];

type Filter = Window['filter'];
const NO_FILTER: Filter = { pid: 0, comm: '', container: '' };

function windowOf(since: number, until: number, hostIds: string[] = [], nr?: number, filter = NO_FILTER): Window {
  return { hostIds, runId: '', since: BigInt(since), until: until ? BigInt(until) : NEVER, bounded: true, nr, filter };
}

describe('a window over rollups and raw edges equals the same window over the raw rows', () => {
  let app: INestApplicationContext;
  beforeAll(async () => {
    app = await inMemoryApp();
    await storeHistory(app.get(IngestService));
  });
  afterAll(() => app.close());

  it('cuts windows into hours, ten minutes and edges of at most five minutes of raw rows', () => {
    const grains = (i: number) =>
      pieces(BigInt(WINDOWS[i][1]), WINDOWS[i][2] ? BigInt(WINDOWS[i][2]) : NEVER).map((p) =>
        p.less ? `less ${(Number(p.less[1] - p.less[0]) / SEC).toFixed(0)} s` : p.grain,
      );
    expect(grains(0)).toEqual(['raw', 'tenMinutes', 'hour', 'tenMinutes', 'raw']);
    expect(grains(1)).toEqual(['less 125 s', 'tenMinutes', 'hour', 'tenMinutes', 'less 120 s']);
    expect(grains(2)).toEqual(['less 120 s', 'tenMinutes', 'less 90 s']);
    expect(grains(3)).toEqual(['raw', 'tenMinutes', 'raw']);
    expect(grains(4)).toEqual(['raw']);
    expect(grains(5)).toEqual(['tenMinutes', 'hour', 'tenMinutes']);
    expect(grains(6)).toEqual(['hour', 'tenMinutes', 'less 300 s']);
    expect(grains(7)).toEqual(['less 185 s', 'tenMinutes', 'hour']);
    expect(grains(8)).toEqual(['raw', 'less 120 s']);
  });

  for (const [name, since, until] of WINDOWS) {
    it(`${name}: every grouping, fleet-wide, one host and one syscall`, async () => {
      const tally = app.get(TallyService);
      const counts = app.get(CountsRepository);
      for (const [key, source] of GROUPINGS) {
        for (const [hosts, nr, filter] of [
          [[], undefined],
          [['h2'], undefined],
          [['h1', 'h2'], undefined],
          [[], 0],
          ...(source === 'processes' ? [[[], undefined, { ...NO_FILTER, pid: 200 }]] : []),
          ...(source === 'processes' ? [[[], undefined, { ...NO_FILTER, comm: 'a' }]] : []),
          ...(source === 'cgroups' ? [[[], undefined, { ...NO_FILTER, container: 'docker:aaa' }]] : []),
        ] as Array<[string[], number?, Filter?]>) {
          const w = windowOf(since, until, hosts, nr, filter);
          const raw = keyed(await counts.fromRows(w, key, source, w.since, w.until));
          const got = asStrings(await tally.sum(w, key, source));
          expect({ key, source, hosts, nr, filter, got }).toEqual({ key, source, hosts, nr, filter, got: raw });
          // Not vacuous: every window holds calls of each grouping.
          expect(raw.size).toBeGreaterThan(0);
        }
      }
    });
  }
});
