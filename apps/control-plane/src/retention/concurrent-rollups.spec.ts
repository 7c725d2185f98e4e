import { INestApplicationContext, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CollectionModule } from '../collection/collection.module';
import { IngestService, OpenedRun } from '../collection/ingest.service';
import { DatabaseModule } from '../database/database.module';
import { SqlRunner } from '../database/sql-runner';
import { hello, inMemoryApp, snapshot, T0 } from '../testing/in-memory-app';

const N = 40;

/** A second app on the first one's PostgreSQL database: another replica (its own pool). */
async function replicaOf(app: INestApplicationContext): Promise<INestApplicationContext> {
  const dbUrl = (app.get(DataSource).options as { url: string }).url;
  const config = { dbPath: ':memory:', dbUrl, credentials: [], metrics: { containers: 0 } };
  @Module({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
      DatabaseModule,
      CollectionModule,
    ],
  })
  class ReplicaModule {}
  return NestFactory.createApplicationContext(ReplicaModule, { logger: false });
}

/** Opens run @runId of host h1 (-P 1 -C 1). */
function open(ingest: IngestService, runId: string): Promise<OpenedRun> {
  return ingest.hello(hello({ runId, processTopK: 1, cgroupTopK: 1 }));
}

/** N snapshots of @run in T0's hour, each 1 call of pid 7 in cgroup /c. */
async function stream(ingest: IngestService, run: OpenedRun): Promise<void> {
  const runId = run.runId;
  for (let seq = 1; seq <= N; seq++) {
    await ingest.ingest(
      run,
      snapshot(runId, seq, seq * 1000, [[39, seq]], {
        processes: [{ pid: 7, comm: 'x', nr: 39, count: '1' }],
        cgroups: [{ path: '/c', container: '', nr: 39, count: '1' }],
      }),
    );
  }
}

describe('hourly and ten-minute rollups stay exact when two replicas ingest the same host at once', () => {
  let a: INestApplicationContext;
  let b: INestApplicationContext;
  beforeAll(async () => {
    a = await inMemoryApp();
    // SQLite: one process owns the file, so the "replicas" are two streams of one app.
    b = process.env.SC_TEST_DB === 'postgres' ? await replicaOf(a) : a;
  });
  afterAll(async () => {
    if (b !== a) await b.close();
    await a.close();
  });

  it('per host, per process and per cgroup: every call of both runs counted once', async () => {
    const [ia, ib] = [a.get(IngestService), b.get(IngestService)];
    // Hellos one after the other (a new host's first hellos racing is another matter), then both streams at once.
    const [ra, rb] = [await open(ia, 'ra'), await open(ib, 'rb')];
    await Promise.all([stream(ia, ra), stream(ib, rb)]);
    const sql = a.get(SqlRunner);
    const one = async (q: string) => String((await sql.all<{ c: bigint }>(q))[0].c);
    expect(await one(`SELECT count AS c FROM hourly_counts WHERE hour_ms = ${T0} AND host_id = 'h1' AND nr = 39`)).toBe(
      String(2 * N),
    );
    expect(await one(`SELECT count AS c FROM hourly_process_counts WHERE hour_ms = ${T0} AND pid = 7`)).toBe(
      String(2 * N),
    );
    expect(await one(`SELECT SUM(count) AS c FROM hourly_cgroup_counts WHERE hour_ms = ${T0} AND name_key > 0`)).toBe(
      String(2 * N),
    );
    // The ten-minute rollups of the same rows (every snapshot falls in T0's first ten minutes).
    for (const q of [
      `SELECT count AS c FROM ten_minute_counts WHERE bucket_ms = ${T0} AND host_id = 'h1' AND nr = 39`,
      `SELECT count AS c FROM ten_minute_process_counts WHERE bucket_ms = ${T0} AND pid = 7`,
      `SELECT SUM(count) AS c FROM ten_minute_cgroup_counts WHERE bucket_ms = ${T0} AND name_key > 0`,
    ])
      expect(await one(q)).toBe(String(2 * N));
  });
});
