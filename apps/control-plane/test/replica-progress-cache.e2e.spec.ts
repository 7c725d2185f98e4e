import { ControlPlane, createDatabase, SqlReader, testEngine } from '@syscall-counter/test-support';
import { auth, collector, CollectSession, hello, snapshot } from './grpc-client';

const RUN = 'failover';
const HOST = 'host-failover';
const NRS = [0, 39, 110];

/** The agent's cumulative counts at @seq: every syscall grows, each at its own pace. */
function cumulative(seq: number): Record<number, number> {
  return { 0: seq * 10, 39: seq * seq, 110: 3 * seq + (seq % 2) };
}

function rows(db: SqlReader, sql: string): unknown[] {
  return db.prepare(sql).all();
}

const FELL_BACK = /batch stored again snapshot by snapshot/g;

// Several replicas share one database: only PostgreSQL (SC_TEST_DB=postgres) can.
(testEngine() === 'postgres' ? describe : describe.skip)('each replica caches the progress of its runs', () => {
  const a = new ControlPlane();
  const b = new ControlPlane();
  beforeAll(async () => {
    a.dbUrl = b.dbUrl = createDatabase();
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  /** One connection of the agent to @cp: a hello (welcomed at @acked), then each of @seqs, sent at once. */
  async function visit(cp: ControlPlane, acked: number, seqs: number[]): Promise<void> {
    const s = new CollectSession(collector(cp), auth());
    s.send(hello(RUN, HOST));
    expect(await s.next(1)).toEqual([{ welcome: { runId: RUN, lastAckedSeq: `${acked}` } }]);
    for (const seq of seqs) s.send(snapshot(RUN, seq, cumulative(seq)));
    expect((await s.next(1 + seqs.length)).slice(1)).toEqual(
      seqs.map((seq) => ({ ack: { runId: RUN, seq: `${seq}` } })),
    );
    s.close();
  }

  it('the agent failing over between two replicas: a stale cache neither loses nor doubles a delta', async () => {
    await visit(a, 0, [1, 2, 3]); // a caches the run at seq 3
    await visit(b, 3, [4, 5, 6]); // b stores 4..6: a's cache is stale
    expect(a.log.match(FELL_BACK)).toBeNull();
    // Back at a: 5 is resent (a's cache would take it for new), 7 is new; both checked against seq 3.
    await visit(a, 6, [5, 7]);
    await visit(a, 7, [8]); // read afresh after the fallback
    await visit(b, 8, [9]); // b's cache (seq 6) is stale now
    expect(a.log.match(FELL_BACK)?.length).toBeGreaterThanOrEqual(1);
    expect(b.log.match(FELL_BACK)?.length).toBeGreaterThanOrEqual(1);
    expect(a.log).toMatch(/duplicate snapshot acked[^\n]*"seq":"5"/);

    const db = a.db();
    expect(
      rows(db, `SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS seqs FROM snapshots WHERE run_id = '${RUN}'`),
    ).toEqual([{ n: 9, seqs: 9 }]);
    // Every interval's delta exactly: cumulative(seq) - cumulative(seq - 1), whichever replica stored it.
    const deltas = rows(
      db,
      `SELECT s.seq, d.nr, d.count FROM deltas d JOIN snapshots s ON s.snap_key = d.snap_key
        WHERE s.run_id = '${RUN}' ORDER BY s.seq, d.nr`,
    );
    const expected = [];
    for (let seq = 1; seq <= 9; seq++)
      for (const nr of NRS) expected.push({ seq, nr, count: cumulative(seq)[nr] - (cumulative(seq - 1)[nr] ?? 0) });
    expect(deltas).toEqual(expected);
    const totals = NRS.map((nr) => ({ nr, count: cumulative(9)[nr] }));
    expect(rows(db, `SELECT nr, count FROM run_totals WHERE run_id = '${RUN}' ORDER BY nr`)).toEqual(totals);
    const byNr = `WHERE host_id = '${HOST}' GROUP BY nr ORDER BY nr`;
    expect(rows(db, `SELECT nr, SUM(count) AS count FROM hourly_counts ${byNr}`)).toEqual(totals);
    expect(rows(db, `SELECT nr, SUM(count) AS count FROM host_totals ${byNr}`)).toEqual(totals);
    expect(rows(db, `SELECT last_seq FROM runs WHERE run_id = '${RUN}'`)).toEqual([{ last_seq: 9 }]);
    expect(a.log + b.log).not.toMatch(/stream failed|stream rejected/);
  });
});
