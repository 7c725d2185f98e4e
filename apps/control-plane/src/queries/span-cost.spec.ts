import { INestApplicationContext } from '@nestjs/common';
import { IngestService } from '../collection/ingest.service';
import { SqlRunner } from '../database/sql-runner';
import { hello, inMemoryApp, T0 } from '../testing/in-memory-app';
import { CountsRepository, SpanRow } from './data/counts.repository';
import { NEVER, Window } from './scope-window';
import { EVERY_RUN_SPAN } from './data/span-reference';

const MIN = 60_000;
const HOUR = 60 * MIN;
const HOSTS = 20;
const RUNS_PER_HOST = 150; // 60-minute runs back to back: 3,000 runs over six days and a quarter
const SNAPS = 6; // every 10 minutes

const RUN_COLS =
  'run_id, host_id, hostname, arch, kernel_release, boot_id, agent_version, map_mode, interval_ms, scope';
const RUN_VALUES = "?, ?, ?, 'x86_64', '6.1.0', 'boot', 'test', 'percpu', 600000, 'all processes'";

/** Rows in chunks of one multi-row INSERT each. */
async function insert(sql: SqlRunner, head: string, values: string, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 400) {
    const chunk = rows.slice(i, i + 400);
    await sql.prepare(`${head} VALUES ${chunk.map(() => `(${values})`).join(', ')}`).run(...chunk.flat());
  }
}

/**
 * HOSTS hosts (each through a hello), RUNS_PER_HOST runs each of SNAPS snapshots, written as rows
 * (the runs' last_hour_ms and last_ms as the migrations backfill them: ingest's upkeep is span-scale.spec's).
 */
async function storeRuns(app: INestApplicationContext, sql: SqlRunner): Promise<void> {
  const ingest = app.get(IngestService);
  for (let h = 0; h < HOSTS; h++) await ingest.hello(hello({ hostId: `h${h}`, hostname: `h${h}`, runId: `seed${h}` }));
  const runs: unknown[][] = [];
  const snaps: unknown[][] = [];
  for (let h = 0; h < HOSTS; h++)
    for (let i = 0; i < RUNS_PER_HOST; i++) {
      const [runId, started] = [`h${h}-r${i}`, T0 + i * HOUR + h * 37_000];
      runs.push([runId, `h${h}`, `h${h}`, started, started + SNAPS * 10 * MIN, SNAPS]);
      for (let k = 1; k <= SNAPS; k++) snaps.push([runId, k, `h${h}`, started + k * 10 * MIN, 1]);
    }
  const cols = `INSERT INTO runs (${RUN_COLS}, started_ms, last_seen_ms, last_seq)`;
  await insert(sql, cols, `${RUN_VALUES}, ?, ?, ?`, runs);
  await insert(sql, 'INSERT INTO snapshots (run_id, seq, host_id, time_ms, total)', '?, ?, ?, ?, ?', snaps);
  await sql
    .prepare(
      `UPDATE runs SET last_ms = (SELECT MAX(s.time_ms) FROM snapshots s WHERE s.run_id = runs.run_id),
                       last_hour_ms = (SELECT MAX(s.time_ms) FROM snapshots s WHERE s.run_id = runs.run_id)
                   / 3600000 * 3600000 WHERE EXISTS (SELECT 1 FROM snapshots o WHERE o.run_id = runs.run_id)`,
    )
    .run();
}

const win = (since: number, until: number): Window => ({
  hostIds: [],
  runId: '',
  since: BigInt(since),
  until: BigInt(until),
  bounded: true,
  filter: { pid: 0, comm: '', container: '' },
});

describe('CountsRepository.span cost over 3,000 runs', () => {
  let app: INestApplicationContext;
  let sql: SqlRunner;
  let counts: CountsRepository;

  beforeAll(async () => {
    app = await inMemoryApp();
    sql = app.get(SqlRunner);
    counts = app.get(CountsRepository);
    await storeRuns(app, sql);
  }, 120_000);
  afterAll(() => app.close());

  const lastHour = T0 + RUNS_PER_HOST * HOUR - 20 * MIN;
  const middle = T0 + 70 * HOUR + 25 * MIN;
  const cases: Array<[string, Window]> = [
    ['the last hour', win(lastHour, lastHour + HOUR)],
    ['an hour in the middle', win(middle, middle + HOUR)],
    ['a day in the middle', win(middle, middle + 24 * HOUR)],
    ['the whole history', win(0, Number(NEVER))],
    ['all but the first half hour', win(T0 + 30 * MIN, Number(NEVER))],
  ];

  it.each(cases)('answers %s as the every-run span does', async (_, w) => {
    const [want] = await sql.all<SpanRow>(EVERY_RUN_SPAN, w.since, w.until, w.since, w.until);
    expect(await counts.span(w, 'deltas')).toEqual(want);
    expect(want.arches).toBe(1n);
  });

  it('seeks into snapshots for the runs near an hour, not for every run', async () => {
    const seekedRuns = async (w: Window) => {
      const runs = counts.spanRuns(w, 'deltas');
      return Number(
        (await sql.all<{ n: bigint }>(`SELECT COUNT(*) AS n FROM runs r WHERE ${runs.sql}`, ...runs.params))[0].n,
      );
    };
    expect(Number((await sql.all<{ n: bigint }>('SELECT COUNT(*) AS n FROM runs'))[0].n)).toBe(3020);
    // An hour of 60-minute runs: each host's runs ending in that hour or the one after (2-3 each).
    expect(await seekedRuns(cases[0][1])).toBeLessThanOrEqual(3 * HOSTS);
    expect(await seekedRuns(cases[1][1])).toBeLessThanOrEqual(3 * HOSTS);
    expect(await seekedRuns(cases[2][1])).toBeLessThanOrEqual(27 * HOSTS);
    expect(await seekedRuns(win(0, Number(NEVER)))).toBe(3020);
  });

  it('seeks into snapshots only for the runs a window cuts, not for the runs it covers whole', async () => {
    const seekedRuns = async (w: Window) => {
      const runs = counts.seekRuns(w, 'deltas');
      return Number(
        (await sql.all<{ n: bigint }>(`SELECT COUNT(*) AS n FROM runs r WHERE ${runs.sql}`, ...runs.params))[0].n,
      );
    };
    // The whole history: no run is cut; each host's hello run has no snapshot to read its end from.
    expect(await seekedRuns(cases[3][1])).toBe(HOSTS);
    // Cut at since: the run alive there, and the one started within the clock skew after it.
    expect(await seekedRuns(cases[4][1])).toBeLessThanOrEqual(2 * HOSTS);
    // A day: the runs at either edge (2-3 each) of 24, per host.
    expect(await seekedRuns(cases[2][1])).toBeLessThanOrEqual(5 * HOSTS);
    expect(await seekedRuns(cases[0][1])).toBeLessThanOrEqual(3 * HOSTS);
  });
});
