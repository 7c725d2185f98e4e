import { INestApplicationContext } from '@nestjs/common';
import { IngestService } from '../collection/ingest.service';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { asStrings, keyed } from '../testing/keyed-counts';
import { CountsRepository } from './data/counts.repository';
import { HostTotalsRepository, WholeHosts } from './data/host-totals.repository';
import { NEVER, Window } from './scope-window';
import { TallyService } from './tally.service';
import { expiryOf } from '../testing/expiry-service';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEP = 70 * SEC;
const SNAPS = 60; // 70 min of history per host

/** h1/r1 from T0 and h2/r2 from T0 + 2 h: SNAPS snapshots each, every STEP, 5 syscalls growing unevenly. */
async function storeHistory(ingest: IngestService): Promise<void> {
  for (const [h, hostId] of ['h1', 'h2'].entries()) {
    const start = h * 2 * HOUR;
    const counts = [0, 0, 0, 0, 0];
    const snaps = [];
    for (let seq = 1; seq <= SNAPS; seq++) {
      counts.forEach((_, i) => (counts[i] += 1 + ((seq * 31 + i * 7 + h * 3) % 19)));
      snaps.push(
        snapshot(
          `r${h}`,
          seq,
          start + seq * STEP,
          counts.map((c, i) => [i * 3, c]),
        ),
      );
    }
    const run = hello({ hostId, hostname: hostId, runId: `r${h}`, runStartedUnixMs: String(T0 + start) });
    await streamRun(ingest, run, snaps);
  }
}

/** Windows and the hosts whose whole history each covers. */
const WINDOWS: Array<[string, number, number, string[]]> = [
  ['unbounded', 0, 0, ['h1', 'h2']],
  ['from before h1 started less the clock skew', T0 - 11 * MIN, T0 + 70 * MIN + 1, ['h1']],
  ['from after h1 started, before its first snapshot', T0 + MIN, T0 + 70 * MIN + 1, ['h1']],
  ['until exactly h1 last snapshot (excluded)', T0 - 11 * MIN, T0 + 70 * MIN, []],
  ['from after h1 first snapshot', T0 + 71 * SEC, 0, ['h2']],
  ['unaligned, both inside', T0 - 7 * MIN - 3 * SEC, T0 + 3 * HOUR + 17 * MIN + 1, ['h1', 'h2']],
];

function windowOf(since: number, until: number, hostIds: string[] = [], nr?: number): Window {
  const filter = { pid: 0, comm: '', container: '' };
  return { hostIds, runId: '', since: BigInt(since), until: until ? BigInt(until) : NEVER, bounded: true, nr, filter };
}

describe('hosts whose whole history a window covers are answered from their totals, exactly', () => {
  let app: INestApplicationContext;
  let tally: TallyService;
  let counts: CountsRepository;
  let whole: jest.SpyInstance<Promise<WholeHosts>>;
  beforeAll(async () => {
    app = await inMemoryApp();
    await storeHistory(app.get(IngestService));
    tally = app.get(TallyService);
    counts = app.get(CountsRepository);
    whole = jest.spyOn(app.get(HostTotalsRepository), 'whole');
  });
  afterAll(() => app.close());

  /** What the last sum took from host totals: the hosts answered whole, out of those asked. */
  const lastWhole = async (asked: string[]) => {
    const r = await whole.mock.results[whole.mock.results.length - 1].value;
    return asked.filter((h) => !r.partial.includes(h)).sort();
  };

  for (const [name, since, until, covered] of WINDOWS) {
    it(`${name}: by syscall and host, fleet-wide, per host and one syscall, as the raw rows say`, async () => {
      for (const key of ['syscall', 'host'] as const) {
        for (const [hosts, nr] of [[[]], [['h1']], [['h2']], [['h1', 'h2']], [[], 3]] as Array<[string[], number?]>) {
          const w = windowOf(since, until, hosts, nr);
          const raw = keyed(await counts.fromRows(w, key, 'deltas', w.since, w.until));
          const got = asStrings(await tally.sum(w, key, 'deltas'));
          expect({ key, hosts, nr, got }).toEqual({ key, hosts, nr, got: raw });
          if (!hosts.length) expect(raw.size).toBeGreaterThan(0); // not vacuous
          const asked = hosts.length ? hosts : ['h1', 'h2'];
          expect({ key, hosts, whole: await lastWhole(asked) }).toEqual({
            key,
            hosts,
            whole: covered.filter((h) => asked.includes(h)),
          });
        }
      }
    });
  }

  it('after raw rows expired: whole from the runs, never from a snapshot probe over expired time', async () => {
    const all = windowOf(T0 - 11 * MIN, 0);
    const late = windowOf(T0 + MIN, 0);
    const before = asStrings(await tally.sum(all, 'syscall', 'deltas'));
    const { expiry } = expiryOf(app);
    const retain = { rawMs: 14 * DAY, hourlyMs: 400 * DAY, everyMs: HOUR, firstMs: MIN };
    const report = await expiry.expireOnce(T0 + 14 * DAY + HOUR + 5 * MIN, retain);
    expect(report).toMatchObject({ ran: true, rawBeforeMs: T0 + HOUR });

    // Since before h1's run started (less the skew): its totals, the same as before expiry.
    expect(asStrings(await tally.sum(all, 'syscall', 'deltas'))).toEqual(before);
    expect(await lastWhole(['h1', 'h2'])).toEqual(['h1', 'h2']);
    // Since after h1's start: its first hour's raw rows are gone, so no probe can say the window
    // holds its whole history: the rollups answer (whole hours) and the reply says so.
    await tally.sum(late, 'syscall', 'deltas');
    expect(await lastWhole(['h1', 'h2'])).toEqual(['h2']);
    expect(await tally.expired(late, 'syscall', 'deltas')).toEqual({
      rawKeptFromUnixMs: String(T0 + HOUR),
      lowerBound: false,
    });
  });
});
