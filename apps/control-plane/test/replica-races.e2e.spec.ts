import { CollectorServiceClient } from '@syscall-counter/proto';
import { ControlPlane, createDatabase, SqlReader, testEngine } from '@syscall-counter/test-support';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { auth, collector, CollectSession, hello, snapshot } from './grpc-client';

const RACES = 50;
const MIGRATION_FILES = readdirSync(join(__dirname, '../src/database/migrations')).filter((f) => /^\d{13}-/.test(f));

/** Resolves once the client's channel is connected: what is written next leaves at once. */
function ready(client: CollectorServiceClient): Promise<void> {
  return new Promise((res, rej) => client.waitForReady(Date.now() + 10_000, (e) => (e ? rej(e) : res())));
}

/** One Collect stream on each replica, both connected: the barrier the races start from. */
async function streams(cps: ControlPlane[]): Promise<CollectSession[]> {
  const clients = cps.map(collector);
  await Promise.all(clients.map(ready));
  return clients.map((c) => new CollectSession(c, auth()));
}

/** Every message in one event-loop turn: the replicas receive them at the same instant. */
function sendAll(sessions: CollectSession[], msg: (i: number) => Parameters<CollectSession['send']>[0]): void {
  sessions.forEach((s, i) => s.send(msg(i)));
}

function rows(db: SqlReader, sql: string, ...params: unknown[]): unknown[] {
  return db.prepare(sql).all(...params);
}

/** A snapshot's syscalls in a shuffled order (writers must not depend on the agent's order). */
function cumulative(seq: number, salt: number): Record<number, number> {
  const nrs = [0, 1, 3, 39, 110, 202, 232].sort((a, b) => ((a * 7 + seq + salt) % 11) - ((b * 7 + seq + salt) % 11));
  return Object.fromEntries(nrs.map((nr) => [nr, seq * (nr + 1) * (salt + 1)]));
}

// Several replicas share one database: only PostgreSQL (SC_TEST_DB=postgres) can.
(testEngine() === 'postgres' ? describe : describe.skip)('two replicas racing on one PostgreSQL', () => {
  const a = new ControlPlane();
  const b = new ControlPlane();
  const db = () => a.db();
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('three replicas started at once on an empty database: migrated once, no retry, all serve', async () => {
    const c = new ControlPlane();
    a.dbUrl = b.dbUrl = c.dbUrl = createDatabase();
    await Promise.all([a.start(), b.start(), c.start()]);
    // Without the lock, one loses the race on the schema's names and Nest retries it after 3 s.
    expect(a.log + b.log + c.log).not.toMatch(/QueryFailedError|Unable to connect to the database/);
    await c.close();
    const d = db();
    expect(rows(d, 'SELECT COUNT(*) AS n, COUNT(DISTINCT name) AS names FROM migrations')).toEqual([
      { n: MIGRATION_FILES.length, names: MIGRATION_FILES.length },
    ]);
    const [s1, s2] = await streams([a, b]);
    sendAll([s1, s2], (i) => hello(`serve-${i}`));
    expect([...(await s1.next(1)), ...(await s2.next(1))]).toEqual([
      { welcome: { runId: 'serve-0', lastAckedSeq: '0' } },
      { welcome: { runId: 'serve-1', lastAckedSeq: '0' } },
    ]);
    [s1, s2].forEach((s) => s.close());
  });

  it('the first hello of a new run (and host) at both replicas at once: both welcomed, one run stored', async () => {
    for (let i = 0; i < 20; i++) {
      const sessions = await streams([a, b]);
      sendAll(sessions, () => hello(`first-${i}`, `host-first-${i}`));
      for (const s of sessions)
        expect(await s.next(1)).toEqual([{ welcome: { runId: `first-${i}`, lastAckedSeq: '0' } }]);
      sessions.forEach((s) => s.close());
    }
    const d = db();
    expect(rows(d, "SELECT COUNT(*) AS n FROM runs WHERE run_id LIKE 'first-%'")).toEqual([{ n: 20 }]);
    expect(rows(d, "SELECT COUNT(*) AS n FROM hosts WHERE host_id LIKE 'host-first-%'")).toEqual([{ n: 20 }]);
    expect(a.log + b.log).not.toMatch(/stream failed|stream rejected/);
  });

  it(`the same (run, seq) at both replicas at once, ${RACES} times: stored once, both acked`, async () => {
    const sessions = await streams([a, b]);
    sendAll(sessions, () => hello('same-seq', 'host-same'));
    for (const s of sessions) await s.next(1);
    for (let seq = 1; seq <= RACES; seq++) {
      sendAll(sessions, () => snapshot('same-seq', seq, cumulative(seq, 0)));
      for (const s of sessions)
        expect((await s.next(seq + 1))[seq]).toEqual({ ack: { runId: 'same-seq', seq: `${seq}` } });
    }
    sessions.forEach((s) => s.close());
    const d = db();
    expect(
      rows(d, "SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS seqs FROM snapshots WHERE run_id = 'same-seq'"),
    ).toEqual([{ n: RACES, seqs: RACES }]);
    const expected = Object.entries(cumulative(RACES, 0)).map(([nr, count]) => ({ nr: Number(nr), count }));
    const byNr = 'GROUP BY nr ORDER BY nr';
    expect(rows(d, `SELECT nr, SUM(count) AS count FROM hourly_counts WHERE host_id = 'host-same' ${byNr}`)).toEqual(
      expected.sort((x, y) => x.nr - y.nr),
    );
    // One of each pair committed, the other found it stored and acked it as a duplicate.
    expect((a.log + b.log).match(/duplicate snapshot acked[^\n]*"same-seq"/g)).toHaveLength(RACES);
    expect(a.log + b.log).not.toMatch(/stream failed|stream rejected/);
  });

  it('two runs of one host ingested by both replicas at once: hourly rollups exact', async () => {
    const sessions = await streams([a, b]);
    sendAll(sessions, (i) => hello(`shared-host-${i}`, 'host-shared'));
    for (const s of sessions) await s.next(1);
    for (let seq = 1; seq <= RACES; seq++)
      sendAll(sessions, (i) => snapshot(`shared-host-${i}`, seq, cumulative(seq, i)));
    const acks = await Promise.all(sessions.map((s) => s.next(RACES + 1)));
    acks.forEach((r, i) =>
      expect(r.slice(1)).toEqual(
        Array.from({ length: RACES }, (_, k) => ({ ack: { runId: `shared-host-${i}`, seq: `${k + 1}` } })),
      ),
    );
    sessions.forEach((s) => s.close());
    const [x, y] = [cumulative(RACES, 0), cumulative(RACES, 1)];
    const expected = Object.keys(x)
      .map(Number)
      .sort((m, n) => m - n)
      .map((nr) => ({ nr, count: x[nr] + y[nr] }));
    const d = db();
    const byNr = "WHERE host_id = 'host-shared' GROUP BY nr ORDER BY nr";
    expect(rows(d, `SELECT nr, SUM(count) AS count FROM hourly_counts ${byNr}`)).toEqual(expected);
    expect(rows(d, `SELECT nr, SUM(count) AS count FROM host_totals ${byNr}`)).toEqual(expected);
    expect(a.log + b.log).not.toMatch(/stream failed|stream rejected/);
  });
});
