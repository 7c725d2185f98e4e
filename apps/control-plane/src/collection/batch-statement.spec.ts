import { INestApplicationContext } from '@nestjs/common';
import { SqlRunner } from '../database/sql-runner';
import { hello, inMemoryApp, snapshot, T0 } from '../testing/in-memory-app';
import { BatchStore } from './batch-store';
import { HostRollups } from './host-rollups';
import { IngestService, OpenedRun } from './ingest.service';

// The one-statement batch (PostgreSQL): each test changes a row behind the replica's back, as
// another replica or expiry would, and checks that the next batch is refused whole by the
// database and stored again under locks, with exact totals. SQLite keeps its transaction.
const onPostgres = process.env.SC_TEST_DB === 'postgres' ? describe : describe.skip;

onPostgres('BatchStatement: a batch whose rows changed since the replica saw them is refused whole', () => {
  let app: INestApplicationContext;
  let ingest: IngestService;
  let sql: SqlRunner;
  let store: BatchStore;
  let run: OpenedRun;
  beforeEach(async () => {
    app = await inMemoryApp();
    [ingest, sql, store] = [app.get(IngestService), app.get(SqlRunner), app.get(BatchStore)];
    run = await ingest.hello(hello({ runId: 'r1', hostId: 'h1' }));
    // Seq 1 counts 10 calls of nr 39; the replica now holds its copies of h1's rows.
    expect(await ingest.ingest(run, snapshot('r1', 1, 1000, [[39, 10]]))).toBe('stored');
    expect(store.fallbacks).toBe(0);
  });
  afterEach(() => app.close());

  const one = async (q: string) => (await sql.all<{ c: bigint | null }>(q))[0]?.c ?? null;
  const hostTotal = () => one(`SELECT count AS c FROM host_totals WHERE host_id = 'h1' AND nr = 39`);
  const hourly = () => one(`SELECT count AS c FROM hourly_counts WHERE hour_ms = ${T0} AND host_id = 'h1' AND nr = 39`);
  const tenMinute = () =>
    one(`SELECT count AS c FROM ten_minute_counts WHERE bucket_ms = ${T0} AND host_id = 'h1' AND nr = 39`);
  const seqs = async () => (await sql.all<{ seq: bigint }>('SELECT seq FROM snapshots ORDER BY seq')).map((r) => r.seq);

  it("another writer's calls in the host's totals are kept, not overwritten from the stale copy", async () => {
    await sql.all(`UPDATE hosts SET totals = '{"39":1010}' WHERE host_id = 'h1'`); // 1,000 more, elsewhere
    expect(await ingest.ingest(run, snapshot('r1', 2, 2000, [[39, 15]]))).toBe('stored');
    expect(store.fallbacks).toBe(1);
    expect(await hostTotal()).toBe(1015n);
    expect(await seqs()).toEqual([1n, 2n]);
    // The copy was dropped and read again: the next batch takes the one statement again.
    expect(await ingest.ingest(run, snapshot('r1', 3, 3000, [[39, 16]]))).toBe('stored');
    expect(store.fallbacks).toBe(1);
    expect(await hostTotal()).toBe(1016n);
  });

  it("another writer's calls in an hourly rollup row are kept", async () => {
    await sql.all(`UPDATE packed_hourly_counts SET counts = '{"39":510}' WHERE hour_ms = ${T0}`);
    expect(await ingest.ingest(run, snapshot('r1', 2, 2000, [[39, 15]]))).toBe('stored');
    expect(store.fallbacks).toBe(1);
    expect([await hourly(), await tenMinute()]).toEqual([515n, 15n]);
  });

  it('a rollup row another replica created between the read and the write is added to, not replaced', async () => {
    // Seq 2 falls in the next ten minutes: a row read as absent, then created elsewhere first.
    const next = T0 + 600_000;
    const rollups = app.get(HostRollups);
    const plan = rollups.plan.bind(rollups);
    jest.spyOn(rollups, 'plan').mockImplementationOnce(async (stored) => {
      const writes = await plan(stored);
      await sql.all(
        `INSERT INTO packed_ten_minute_counts (bucket_ms, host_id, counts) VALUES (${next}, 'h1', '{"39":7}')`,
      );
      return writes;
    });
    expect(await ingest.ingest(run, snapshot('r1', 2, 600_000 + 1000, [[39, 15]]))).toBe('stored');
    expect(store.fallbacks).toBe(1);
    expect(await one(`SELECT count AS c FROM ten_minute_counts WHERE bucket_ms = ${next} AND nr = 39`)).toBe(12n);
    expect(await hourly()).toBe(15n);
  });

  it('a rollup row expiry deleted meanwhile is not written back from the copy', async () => {
    await sql.all(`DELETE FROM packed_hourly_counts WHERE hour_ms = ${T0}`);
    expect(await ingest.ingest(run, snapshot('r1', 2, 2000, [[39, 15]]))).toBe('stored');
    expect(store.fallbacks).toBe(1);
    expect(await hourly()).toBe(5n); // seq 2's 5 calls alone: seq 1's 10 stay expired
  });

  it('a run advanced elsewhere: nothing of the refused statement is left, and its seq is stored once', async () => {
    // Another replica stored seq 2 (its run row moved on); this replica's copy still says seq 1.
    await sql.all(`UPDATE runs SET last_seq = 2, totals = '{"39":12}' WHERE run_id = 'r1'`);
    await sql.all(`INSERT INTO snapshots (run_id, seq, host_id, time_ms, total, unattributed)
                   VALUES ('r1', 2, 'h1', ${T0 + 2000}, 2, 0)`);
    expect(await ingest.ingest(run, snapshot('r1', 3, 3000, [[39, 20]]))).toBe('stored');
    expect(store.fallbacks).toBe(1);
    expect(await seqs()).toEqual([1n, 2n, 3n]);
    expect(await one(`SELECT total AS c FROM snapshots WHERE seq = 3`)).toBe(8n); // 20 - 12: from the stored run
  });
});
