import { INestApplicationContext } from '@nestjs/common';
import { IngestService } from '../collection/ingest.service';
import { SqlRunner } from '../database/sql-runner';
import { hello, inMemoryApp, snapshot, streamRun, T0 } from '../testing/in-memory-app';
import { CountsRepository, SpanRow } from './data/counts.repository';
import { NEVER, Source, Window } from './scope-window';
import { expiryOf } from '../testing/expiry-service';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const HOSTS = ['h0', 'h1', 'h2', 'h3'];
const RUNS_PER_HOST = 60; // 240 short runs over about three days

/** A run as streamed: what the reference span reads. */
interface RunPlan {
  runId: string;
  hostId: string;
  arch: string;
  started: number;
  times: number[];
  processes: boolean;
  cgroups: boolean;
}

/** A deterministic pseudo-random sequence (the same history on every run and engine). */
function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

/**
 * Per host, RUNS_PER_HOST runs of 2-5 snapshots 3-25 minutes apart, about 70 minutes apart, every
 * seventh one starting before the previous one ended (two runs of a host at once); every third
 * run per process (-P), every fourth per cgroup (-C), every fifth started up to 10 minutes after its
 * first snapshot (a clock behind); h3 is arm64.
 */
function plan(): RunPlan[] {
  const rnd = lcg(7);
  const out: RunPlan[] = [];
  for (const [h, hostId] of HOSTS.entries()) {
    let start = T0 + h * 11 * MIN;
    for (let i = 0; i < RUNS_PER_HOST; i++) {
      const times: number[] = [];
      let t = start;
      for (let n = 2 + rnd(4); n > 0; n--) times.push((t += (3 + rnd(23)) * MIN + rnd(1000)));
      const runId = `${hostId}-r${i}`;
      const arch = hostId === 'h3' ? 'arm64' : 'x86_64';
      // Every fifth run's clock is behind: its first snapshot precedes its start (within the skew allowed).
      const started = i % 5 === 2 ? times[0] + (1 + rnd(9)) * MIN : start;
      out.push({ runId, hostId, arch, started, times, processes: i % 3 === 0, cgroups: i % 4 === 0 });
      start = i % 7 === 6 ? times[0] + MIN : times[times.length - 1] + (5 + rnd(60)) * MIN;
    }
  }
  return out;
}

async function stream(ingest: IngestService, runs: RunPlan[]): Promise<void> {
  const one = (r: RunPlan) =>
    streamRun(
      ingest,
      hello({
        hostId: r.hostId,
        hostname: r.hostId,
        arch: r.arch,
        runId: r.runId,
        runStartedUnixMs: String(r.started),
        processTopK: r.processes ? 1 : 0,
        cgroupTopK: r.cgroups ? 1 : 0,
      }),
      r.times.map((t, i) =>
        snapshot(r.runId, i + 1, t - T0, [[39, 10 * (i + 1)]], {
          processes: r.processes ? [{ pid: 7, comm: 'a', nr: 39, count: '10' }] : [],
          cgroups: r.cgroups ? [{ path: '/a.slice', container: '', nr: 39, count: '10' }] : [],
        }),
      ),
    );
  // Hosts in parallel (their snapshots share batches), each host's runs in order.
  await Promise.all(
    HOSTS.map(async (h) => {
      for (const r of runs.filter((x) => x.hostId === h)) await one(r);
    }),
  );
}

/**
 * The span as defined, from the plan: over the runs of the scope that carry the source, their
 * snapshots kept (at or after @kept) in the window; each from its previous kept snapshot (or its
 * start) to its last in the window.
 */
function reference(runs: RunPlan[], w: Window, source: Source, kept: number): SpanRow {
  let first: bigint | null = null;
  let last: bigint | null = null;
  const arches = new Set<string>();
  for (const r of runs) {
    if (w.hostIds.length && !w.hostIds.includes(r.hostId)) continue;
    if ((w.runId && w.runId !== r.runId) || (source === 'processes' && !r.processes)) continue;
    if (source === 'cgroups' && !r.cgroups) continue;
    const times = r.times.filter((t) => t >= kept).map(BigInt);
    const inside = times.filter((t) => t >= w.since && t < w.until);
    if (!inside.length) continue;
    const prev = times.filter((t) => t < inside[0]);
    const from = prev.length ? prev[prev.length - 1] : BigInt(r.started);
    first = first === null || from < first ? from : first;
    last = last === null || inside[inside.length - 1] > last ? inside[inside.length - 1] : last;
    arches.add(r.arch);
  }
  const arch = arches.size ? [...arches].sort()[0] : null;
  return { first, last, arch, arches: BigInt(arches.size) };
}

const win = (since: number, until: number, hostIds: string[] = [], runId = ''): Window => ({
  hostIds,
  runId,
  since: BigInt(since),
  until: until ? BigInt(until) : NEVER,
  bounded: since > 0 || until > 0,
  filter: { pid: 0, comm: '', container: '' },
});

/** Windows at and between snapshot times, over one host, two and all, and runs' own windows. */
function windows(runs: RunPlan[]): Window[] {
  const rnd = lcg(11);
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const at = () => times[rnd(times.length)] + [0, 1, -1, 0][rnd(4)];
  const out: Window[] = [win(0, 0), win(0, at()), win(at(), 0), win(T0 - DAY, T0), win(times[times.length - 1] + 1, 0)];
  for (let i = 0; i < 40; i++) {
    const [a, b] = [at(), at()].sort((x, y) => x - y);
    const short = a + (1 + rnd(90)) * MIN;
    const hosts = [[], [HOSTS[rnd(4)]], [HOSTS[0], HOSTS[3]]][i % 3];
    out.push(win(a, b, hosts), win(a, short, hosts));
  }
  for (let i = 0; i < 12; i++) {
    const r = runs[rnd(runs.length)];
    out.push(win(0, 0, [], r.runId), win(r.times[0], r.times[r.times.length - 1], [], r.runId));
    out.push(win(r.times[1], 0, [r.hostId], r.runId), win(r.started - HOUR, r.times[0] + 1, [], r.runId));
  }
  return [...out, ...wholeRunWindows(runs, rnd)];
}

/**
 * Windows that cover runs whole (answered from the runs' rows), from one run's start, or just
 * before it, or within the clock skew before it, to another's newest snapshot, or just after it.
 */
function wholeRunWindows(runs: RunPlan[], rnd: (n: number) => number): Window[] {
  const out: Window[] = [];
  const lastOf = (r: RunPlan) => r.times[r.times.length - 1];
  for (let i = 0; i < 24; i++) {
    const [a, b] = [runs[rnd(runs.length)], runs[rnd(runs.length)]].sort((x, y) => x.started - y.started);
    const since = a.started - [0, 1, 5 * MIN, 10 * MIN, 10 * MIN + 1, 30 * MIN][i % 6];
    const until = Math.max(lastOf(b), since + 1) + [1, 0, 2 * MIN][i % 3];
    const hosts = [[], [a.hostId], [a.hostId, b.hostId]][i % 3];
    out.push(win(since, until, hosts), win(since, 0, hosts), win(0, until, hosts));
  }
  for (let i = 0; i < 8; i++) {
    const r = runs[rnd(runs.length)];
    out.push(win(r.started - 10 * MIN, lastOf(r) + 1, [], r.runId), win(r.started - 9 * MIN, 0, [r.hostId], r.runId));
  }
  return out;
}

describe('CountsRepository.span over many runs', () => {
  let app: INestApplicationContext;
  let counts: CountsRepository;
  let sql: SqlRunner;
  const runs = plan();
  const sources: Source[] = ['deltas', 'processes', 'cgroups'];

  beforeAll(async () => {
    app = await inMemoryApp();
    counts = app.get(CountsRepository);
    sql = app.get(SqlRunner);
    await stream(app.get(IngestService), runs);
  }, 120_000);
  afterAll(() => app.close());

  const compareAll = async (kept: number) => {
    let compared = 0;
    for (const w of windows(runs))
      for (const source of sources) {
        expect({ w, source, span: await counts.span(w, source) }).toEqual({
          w,
          source,
          span: reference(runs, w, source, kept),
        });
        compared++;
      }
    return compared;
  };

  it("ingest keeps each run's newest snapshot hour", async () => {
    const rows = await sql.all<{ run_id: string; last_hour_ms: bigint }>('SELECT run_id, last_hour_ms FROM runs');
    const hourOf = (t: number) => BigInt(t - (t % HOUR));
    const want = Object.fromEntries(runs.map((r) => [r.runId, hourOf(Math.max(...r.times))]));
    expect(Object.fromEntries(rows.map((r) => [r.run_id, BigInt(r.last_hour_ms)]))).toEqual(want);
  });

  it("ingest keeps each run's newest snapshot time exactly", async () => {
    const rows = await sql.all<{ run_id: string; last_ms: bigint }>('SELECT run_id, last_ms FROM runs');
    const want = Object.fromEntries(runs.map((r) => [r.runId, BigInt(Math.max(...r.times))]));
    expect(Object.fromEntries(rows.map((r) => [r.run_id, BigInt(r.last_ms)]))).toEqual(want);
  });

  it('equals the reference for every window, scope and source', async () => {
    expect(await compareAll(0)).toBe(windows(runs).length * sources.length);
  });

  it('equals the reference over expired time', async () => {
    const { expiry } = expiryOf(app);
    const retain = { rawMs: 14 * DAY, hourlyMs: 0, everyMs: HOUR, firstMs: MIN };
    const report = await expiry.expireOnce(T0 + 15 * DAY + 5 * MIN, retain);
    expect(report).toMatchObject({ ran: true, rawBeforeMs: T0 + DAY });
    expect(report.snapshots + report.partitionsDropped).toBeGreaterThan(0);
    await compareAll(T0 + DAY);
  });
});
