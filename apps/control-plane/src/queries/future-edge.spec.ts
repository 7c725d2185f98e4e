import { INestApplicationContext } from '@nestjs/common';
import { IngestService } from '../collection/ingest.service';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { keyed } from '../testing/keyed-counts';
import { CountsRepository } from './data/counts.repository';
import { Key, NEVER, Window } from './scope-window';
import { pieces, TallyService } from './tally.service';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const STEP = 50 * SEC;

/** h1/r0 and h2/r1 (-P 2 -C 2): 100 snapshots each from T0 + 50 s, 4 syscalls, 2 processes, 2 cgroups. */
async function storeHistory(ingest: IngestService): Promise<void> {
  for (const [h, hostId] of ['h1', 'h2'].entries()) {
    const counts = [0, 0, 0, 0];
    const snaps = [];
    for (let seq = 1; seq <= 100; seq++) {
      const inc = counts.map((_, i) => 1 + ((seq * 29 + i * 13 + h * 7) % 17));
      inc.forEach((d, i) => (counts[i] += d));
      const processes = [
        { pid: 100 + h, comm: 'a', nr: 0, count: String(inc[0]) },
        { pid: 200, comm: 'b', nr: 2, count: String(inc[1]) },
      ];
      const cgroups = [
        { path: '/a.slice/docker-aaa.scope', container: 'docker:aaa', nr: 0, count: String(inc[0]) },
        { path: '/b.slice', container: '', nr: 4, count: String(inc[2]) },
      ];
      const at = seq * STEP;
      snaps.push(
        snapshot(
          `r${h}`,
          seq,
          at,
          counts.map((c, i) => [i * 2, c]),
          { processes, cgroups },
        ),
      );
    }
    await streamRun(ingest, hello({ hostId, hostname: hostId, runId: `r${h}`, processTopK: 2, cgroupTopK: 2 }), snaps);
  }
}

/** Windows ending 1 to 9 minutes into a ten minutes (short and long end edges), one after the newest snapshot. */
const WINDOWS: Array<[number, number]> = [
  [T0 + 17 * MIN + 3 * SEC, T0 + 100 * STEP + 20 * SEC],
  [T0 + 7 * MIN + 13 * SEC, T0 + HOUR + 21 * MIN + 1],
  [T0 + 12 * MIN + 1, T0 + HOUR + 28 * MIN + 30 * SEC],
  [T0 + 31 * MIN, T0 + 52 * MIN + 7 * SEC],
  [T0 + 2 * MIN, T0 + 9 * MIN],
];
const GROUPINGS: Array<[Key, 'deltas' | 'processes' | 'cgroups']> = [
  ['syscall', 'deltas'],
  ['host', 'deltas'],
  ['process', 'processes'],
  ['container', 'cgroups'],
];

function windowOf(since: number, until: number, hostIds: string[] = []): Window {
  const filter = { pid: 0, comm: '', container: '' };
  return { hostIds, runId: '', since: BigInt(since), until: BigInt(until), bounded: true, filter };
}

describe('an end edge at or after now or the newest snapshot is its ten minutes less the rest, exactly', () => {
  let app: INestApplicationContext;
  let tally: TallyService;
  let counts: CountsRepository;
  beforeAll(async () => {
    app = await inMemoryApp();
    await storeHistory(app.get(IngestService));
    tally = app.get(TallyService);
    counts = app.get(CountsRepository);
  });
  afterAll(() => {
    jest.restoreAllMocks();
    return app.close();
  });

  it('cuts a window ending now like one ending in the past, but for its end edge', () => {
    const [since, until] = [BigInt(T0 + 7 * MIN + 13 * SEC), BigInt(T0 + HOUR + 21 * MIN + 1)];
    const grains = (now?: bigint) => pieces(since, until, now).map((p) => (p.less ? 'less' : p.grain));
    expect(grains()).toEqual(['raw', 'tenMinutes', 'raw']);
    expect(grains(NEVER)).toEqual(grains());
    expect(grains(until)).toEqual(['raw', 'tenMinutes', 'less']);
    expect(grains(until - 1n)).toEqual(['raw', 'tenMinutes', 'less']);
    expect(grains(until + 1n)).toEqual(grains());
  });

  // now: long past the history (end edges as before but after the newest snapshot), at the
  // window's end (the rest of its ten minutes stored anyway: the subtraction must be exact, not
  // assume the future is empty), and before the window starts.
  for (const [name, now] of [
    ['now after the window', () => NEVER],
    ['now at the window end', (_: number, until: number) => BigInt(until)],
    ['now before the window', (since: number) => BigInt(since - HOUR)],
  ] as Array<[string, (since: number, until: number) => bigint]>) {
    it(`${name}: every grouping, fleet-wide and one host, equals the raw rows`, async () => {
      for (const [since, until] of WINDOWS) {
        jest.spyOn(tally, 'now').mockReturnValue(now(since, until));
        for (const [key, source] of GROUPINGS) {
          for (const hosts of [[], ['h2']]) {
            const w = windowOf(since, until, hosts);
            const raw = keyed(await counts.fromRows(w, key, source, w.since, w.until));
            const got = new Map([...(await tally.sum(w, key, source))].map(([k, c]) => [String(k), c]));
            expect({ since, until, key, hosts, got }).toEqual({ since, until, key, hosts, got: raw });
            expect(raw.size).toBeGreaterThan(0);
          }
        }
      }
    });
  }
});
