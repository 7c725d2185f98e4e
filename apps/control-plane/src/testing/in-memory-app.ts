import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { Hello, Snapshot } from '@syscall-counter/proto';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CollectionModule } from '../collection/collection.module';
import { GrpcExceptionFilter } from '../common/grpc-exception.filter';
import { IngestService, OpenedRun } from '../collection/ingest.service';
import { DatabaseModule } from '../database/database.module';
import { QueriesModule } from '../queries/queries.module';

/** For the in-process specs: the real modules over an in-memory SQLite database the real migrations built. */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [
        () => ({
          dbPath: ':memory:',
          ...IN_PROCESS_CONFIG,
        }),
      ],
    }),
    DatabaseModule,
    CollectionModule,
    QueriesModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: GrpcExceptionFilter }],
})
export class InMemoryAppModule {}

export const TOKEN = 'in-process-token-0123456789';

/** What every in-process app is configured with besides its database. */
const IN_PROCESS_CONFIG = {
  credentials: [{ token: TOKEN, role: 'admin', source: 'test' }],
  // /metrics: no HTTP listener in process; the service still works for specs.
  metrics: { containers: 0 },
};

/**
 * The real modules over an empty database the real migrations built: in-memory SQLite, or with
 * SC_TEST_DB=postgres a new database on the suite's cluster (SC_TEST_PG_URL, see libs/test-support).
 */
export async function inMemoryApp(): Promise<INestApplicationContext> {
  if (process.env.SC_TEST_DB !== 'postgres')
    return NestFactory.createApplicationContext(InMemoryAppModule, { logger: false });
  const dbUrl = await newPgDatabase(process.env.SC_TEST_PG_URL ?? '');
  return NestFactory.createApplicationContext(appModuleOver({ dbPath: ':memory:', dbUrl, ...IN_PROCESS_CONFIG }), {
    logger: false,
  });
}

function appModuleOver(config: Record<string, unknown>): DynamicModule {
  return {
    module: class PgAppModule {},
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
      DatabaseModule,
      CollectionModule,
      QueriesModule,
    ],
    providers: [{ provide: APP_FILTER, useClass: GrpcExceptionFilter }],
  };
}

async function newPgDatabase(clusterUrl: string): Promise<string> {
  if (!clusterUrl) throw new Error('SC_TEST_DB=postgres needs SC_TEST_PG_URL');
  const name = `sc_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return clusterUrl.replace(/\/[^/]+$/, `/${name}`);
}

export const T0 = 1_800_000_000_000; // whole hour: 2027-01-15T08:00:00Z

export function hello(over: Partial<Hello> = {}): Hello {
  return Hello.fromPartial({
    hostId: 'h1',
    hostname: 'h1',
    kernelRelease: '6.1.0',
    arch: 'x86_64',
    bootId: 'boot',
    agentVersion: 'test',
    mapMode: 'percpu',
    intervalMs: 10_000,
    runId: 'r1',
    runStartedUnixMs: String(T0),
    scope: 'all processes',
    ...over,
  });
}

/** A snapshot of cumulative counts ([nr, count] pairs) taken @atMs after T0. */
export function snapshot(
  runId: string,
  seq: number,
  atMs: number,
  counts: Array<[number, number]>,
  over: Partial<Snapshot> = {},
): Snapshot {
  return Snapshot.fromPartial({
    runId,
    seq: String(seq),
    timeUnixMs: String(T0 + atMs),
    counts: counts.map(([nr, count]) => ({ nr, count: String(count) })),
    ...over,
  });
}

/** Opens a run and stores its snapshots in order, each acked (committed) before the next. */
export async function streamRun(ingest: IngestService, h: Hello, snaps: Snapshot[]): Promise<OpenedRun> {
  const run = await ingest.hello(h);
  for (const s of snaps) await ingest.ingest(run, s);
  return run;
}
