import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { Host } from '../hosts-runs/host.entity';
import { Run } from '../hosts-runs/run.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { SnapshotTimeIndex1764100000000 } from './migrations/1764100000000-snapshot-time-index';
import { CompactDeltasHourlyRollups1764200000000 } from './migrations/1764200000000-compact-deltas-hourly-rollups';
import { ProcessCounts1764300000000 } from './migrations/1764300000000-process-counts';
import { CgroupCounts1764400000000 } from './migrations/1764400000000-cgroup-counts';
import { Unattributed1764500000000 } from './migrations/1764500000000-unattributed';
import { Failures1764600000000 } from './migrations/1764600000000-failures';
import { Latency1764700000000 } from './migrations/1764700000000-latency';
import { MetricsTotals1765300000000 } from './migrations/1765300000000-metrics-totals';
import { BpfProgramStats1765300000001 } from './migrations/1765300000001-bpf-program-stats';
import { CgroupSyscallSets1765400000000 } from './migrations/1765400000000-cgroup-syscall-sets';
import { BreakdownRollupsRetention1765600000000 } from './migrations/1765600000000-breakdown-rollups-retention';
import { RawDayPartitions1765600000001 } from './migrations/1765600000001-raw-day-partitions';
import { CounterFillfactor1766100000000 } from './migrations/1766100000000-counter-fillfactor';
import { TenMinuteRollups1766200000000 } from './migrations/1766200000000-ten-minute-rollups';
import { PackedRunTotals1766300000000 } from './migrations/1766300000000-packed-run-totals';
import { PackedHostTotals1766300000001 } from './migrations/1766300000001-packed-host-totals';
import { PackedDeltas1766600000000 } from './migrations/1766600000000-packed-deltas';
import { PackedHostRollups1766700000000 } from './migrations/1766700000000-packed-host-rollups';
import { RunLastHour1766800000000 } from './migrations/1766800000000-run-last-hour';
import { RunLastMs1766800000001 } from './migrations/1766800000001-run-last-ms';
import { IngestBatchCheck1766900000000 } from './migrations/1766900000000-ingest-batch-check';
import { openAndMigrate } from './migration-lock';
import { retryableAtStart } from './start-errors';
import { SqlRunner } from './sql-runner';
import { SqliteRunner } from './sqlite-runner';
import { bigintPool, PostgresRunner } from './postgres-runner';
import { SQLITE, SqliteHandle } from './sqlite.token';
import { TenMinuteRollups } from './ten-minute-rollups';

/**
 * The tables written through TypeORM's repositories (on hello). The rest are read and written
 * with SQL by the repositories of their concern (see sql-dialect.ts); the migrations are the schema.
 */
export const ENTITIES = [Host, Run];
export const MIGRATIONS = [
  InitialSchema1764000000000,
  SnapshotTimeIndex1764100000000,
  CompactDeltasHourlyRollups1764200000000,
  ProcessCounts1764300000000,
  CgroupCounts1764400000000,
  Unattributed1764500000000,
  Failures1764600000000,
  Latency1764700000000,
  MetricsTotals1765300000000,
  BpfProgramStats1765300000001,
  CgroupSyscallSets1765400000000,
  BreakdownRollupsRetention1765600000000,
  RawDayPartitions1765600000001,
  CounterFillfactor1766100000000,
  TenMinuteRollups1766200000000,
  PackedRunTotals1766300000000,
  PackedHostTotals1766300000001,
  PackedDeltas1766600000000,
  PackedHostRollups1766700000000,
  RunLastHour1766800000000,
  RunLastMs1766800000001,
  IngestBatchCheck1766900000000,
];

const SCHEMA = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false };

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const url = config.get<string>('dbUrl');
        // PostgreSQL migrates in openAndMigrate, under a lock shared by every replica.
        // A server retries a database that is not up yet (TypeORM's 9 tries, 3 s apart); a one-shot
        // command (--expire-once) says why at once instead.
        const retryAttempts = config.get<number>('dbRetryAttempts');
        const toRetry = retryableAtStart;
        if (url) return { type: 'postgres' as const, url, ...SCHEMA, migrationsRun: false, retryAttempts, toRetry };
        const database = config.getOrThrow<string>('dbPath');
        mkdirSync(dirname(database), { recursive: true });
        return {
          type: 'better-sqlite3' as const,
          database,
          ...SCHEMA,
          // A database that does not open now will not open in 24 s either (checkDatabaseFile said why).
          retryAttempts: 0,
          enableWAL: true,
          prepareDatabase: (db: SqliteHandle) => {
            db.pragma('foreign_keys = ON');
            db.pragma('synchronous = NORMAL');
            db.pragma('busy_timeout = 5000');
          },
        };
      },
      dataSourceFactory: (options) => openAndMigrate(options!),
    }),
  ],
  providers: [
    {
      // The raw better-sqlite3 handle (SQLite only), for the runner: prepared statements,
      // 64-bit integers as BigInt.
      provide: SQLITE,
      inject: [DataSource],
      useFactory: (ds: DataSource) =>
        ds.options.type === 'postgres'
          ? null
          : (ds.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection,
    },
    {
      // SC_DB_URL selects PostgreSQL: a pool of its own (integers as BigInt), beside TypeORM's.
      provide: SqlRunner,
      inject: [DataSource, SQLITE],
      useFactory: (ds: DataSource, db: SqliteHandle | null) =>
        ds.options.type === 'postgres'
          ? new PostgresRunner(bigintPool((ds.options as { url: string }).url))
          : new SqliteRunner(db!),
    },
    TenMinuteRollups,
  ],
  exports: [SQLITE, SqlRunner, TenMinuteRollups],
})
export class DatabaseModule {}
