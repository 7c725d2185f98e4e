import { DiffRequest, DiffResponse, GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { ControlPlane } from '@syscall-counter/test-support';
import { auth, collector, CollectSession, hello, queries, snapshot, unary } from './grpc-client';

// Two hosts, a snapshot every 10 minutes for 5 hours, starting off the hour so windows cut
// hours in every way: top over any window must equal the brute-force sum of the deltas,
// whether the hourly rollups, the deltas or both answer it.
const START = 1700000000000; // 22:13:20 UTC, not on an hour
const STEP = 600_000;
const SNAPS = 30;
const HOUR = 3_600_000;
const HOSTS = { 'host-a': 1, 'host-b': 2 } as const;

const at = (seq: number) => START + seq * STEP;
/** Delta of each snapshot: nr 110 grows by seq, nr 0 by the host's weight. */
function expected(host: keyof typeof HOSTS | '', since: number, until: number): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [h, w] of Object.entries(HOSTS)) {
    if (host && host !== h) continue;
    for (let seq = 1; seq <= SNAPS; seq++) {
      if (at(seq) < since || at(seq) >= until) continue;
      out['110'] = (out['110'] ?? 0n) + BigInt(seq);
      out['0'] = (out['0'] ?? 0n) + BigInt(w);
    }
  }
  return out;
}

describe('history queries over rollups and deltas', () => {
  const cp = new ControlPlane();

  beforeAll(async () => {
    await cp.start();
    for (const [host, w] of Object.entries(HOSTS)) {
      const s = new CollectSession(collector(cp), auth());
      const h = hello(`run-${host}`, host);
      h.hello.runStartedUnixMs = String(START);
      s.send(h);
      let c110 = 0;
      for (let seq = 1; seq <= SNAPS; seq++) {
        c110 += seq;
        const m = snapshot(`run-${host}`, seq, { 110: c110, 0: w * seq });
        m.snapshot.timeUnixMs = String(at(seq));
        s.send(m);
      }
      await s.next(SNAPS + 1);
      s.close();
    }
  });
  afterAll(async () => {
    await cp.stop();
    cp.cleanup();
  });

  const top = async (hostId: string, since: number, until: number, by = GroupBy.GROUP_BY_SYSCALL) => {
    const r = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope: Scope.fromPartial({ hostId, sinceUnixMs: String(since), untilUnixMs: String(until) }),
      by,
      limit: 0,
    });
    return {
      counts: Object.fromEntries(r.rows.map((row) => [row.key || String(row.nr), BigInt(row.count)])),
      resp: r,
    };
  };

  const hour0 = Math.ceil(START / HOUR) * HOUR;
  it.each([
    ['everything', 0, 0],
    ['whole hours only', hour0, hour0 + 3 * HOUR],
    ['cut on both sides', hour0 - 25 * 60_000, hour0 + 2 * HOUR + 7 * 60_000],
    ['inside one hour', hour0 + 5 * 60_000, hour0 + 50 * 60_000],
    ['open-ended from mid-hour', hour0 + HOUR + 30 * 60_000, 0],
    ['up to mid-hour', 0, hour0 + HOUR + 30 * 60_000],
  ])('top over %s equals the sum of the deltas, fleet-wide and per host', async (_name, since, until) => {
    const end = until || Number.MAX_SAFE_INTEGER;
    expect((await top('', since, until)).counts).toEqual(expected('', since, end));
    expect((await top('host-b', since, until)).counts).toEqual(expected('host-b', since, end));
    const byHost = (await top('', since, until, GroupBy.GROUP_BY_HOST)).counts;
    for (const h of ['host-a', 'host-b'] as const) {
      const sum = Object.values(expected(h, since, end)).reduce((s, c) => s + c, 0n);
      expect(byHost[h] ?? 0n).toBe(sum);
    }
  });

  it('reports the span the deltas cover: from the snapshot before the window to the last in it', async () => {
    const { resp } = await top('host-a', at(10) - 1, at(20) + 1);
    expect(resp.firstUnixMs).toBe(String(at(9)));
    expect(resp.lastUnixMs).toBe(String(at(20)));
    const whole = await top('host-a', 0, 0);
    expect(whole.resp.firstUnixMs).toBe(String(START));
  });

  it('diff of two hours compares exact sums', async () => {
    const a = Scope.fromPartial({ hostId: 'host-a', sinceUnixMs: String(hour0), untilUnixMs: String(hour0 + HOUR) });
    const b = { ...a, sinceUnixMs: String(hour0 + HOUR), untilUnixMs: String(hour0 + 2 * HOUR) };
    const d = await unary<unknown, DiffResponse>(queries(cp), 'diff', DiffRequest.fromPartial({ a, b }));
    const ea = expected('host-a', hour0, hour0 + HOUR);
    const eb = expected('host-a', hour0 + HOUR, hour0 + 2 * HOUR);
    expect(d.rows.find((r) => r.nr === 110)).toEqual({
      nr: 110,
      key: '',
      countA: String(ea['110']),
      countB: String(eb['110']),
    });
  });

  it('keeps the hourly rollups equal to the deltas they summarise', () => {
    const db = cp.db();
    const deltas = db.prepare('SELECT d.nr, SUM(d.count) AS c FROM deltas d GROUP BY d.nr ORDER BY d.nr').all();
    const hourly = db.prepare('SELECT nr, SUM(count) AS c FROM hourly_counts GROUP BY nr ORDER BY nr').all();
    const hours = db.prepare('SELECT COUNT(DISTINCT hour_ms) AS n FROM hourly_counts').get() as { n: number };
    db.close();
    expect(hourly).toEqual(deltas);
    expect(hours.n).toBe(6); // 5 hours of snapshots starting at :13 touch 6 clock hours
  });
});
