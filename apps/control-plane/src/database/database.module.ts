import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { Host } from '../hosts/host.entity';
import { Run } from '../runs/run.entity';
import { SnapshotRecord } from '../collection/snapshot.entity';
import { Delta } from '../collection/delta.entity';
import { HourlyCount } from '../collection/hourly-count.entity';
import { ProcessCountRecord } from '../collection/process-count.entity';
import { RunTotal } from '../collection/run-total.entity';
import { CgroupCountRecord } from '../collection/cgroup-count.entity';
import { CgroupName } from '../collection/cgroup-name.entity';
import { FailureDelta } from '../collection/failure-delta.entity';
import { FailureTotal } from '../collection/failure-total.entity';
import { LatencyDelta } from '../collection/latency-delta.entity';
import { LatencyTotal } from '../collection/latency-total.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { SnapshotTimeIndex1764100000000 } from './migrations/1764100000000-snapshot-time-index';
import { CompactDeltasHourlyRollups1764200000000 } from './migrations/1764200000000-compact-deltas-hourly-rollups';
import { ProcessCounts1764300000000 } from './migrations/1764300000000-process-counts';
import { CgroupCounts1764400000000 } from './migrations/1764400000000-cgroup-counts';
import { Unattributed1764500000000 } from './migrations/1764500000000-unattributed';
import { Failures1764600000000 } from './migrations/1764600000000-failures';
import { Latency1764700000000 } from './migrations/1764700000000-latency';
import { SQLITE, SqliteHandle } from './sqlite.token';

export const ENTITIES = [
  Host,
  Run,
  SnapshotRecord,
  Delta,
  HourlyCount,
  ProcessCountRecord,
  RunTotal,
  CgroupCountRecord,
  CgroupName,
  FailureDelta,
  FailureTotal,
  LatencyDelta,
  LatencyTotal,
];
export const MIGRATIONS = [
  InitialSchema1764000000000,
  SnapshotTimeIndex1764100000000,
  CompactDeltasHourlyRollups1764200000000,
  ProcessCounts1764300000000,
  CgroupCounts1764400000000,
  Unattributed1764500000000,
  Failures1764600000000,
  Latency1764700000000,
];

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const database = config.getOrThrow<string>('dbPath');
        mkdirSync(dirname(database), { recursive: true });
        return {
          type: 'better-sqlite3' as const,
          database,
          entities: ENTITIES,
          migrations: MIGRATIONS,
          migrationsRun: true,
          synchronize: false,
          enableWAL: true,
          prepareDatabase: (db: SqliteHandle) => {
            db.pragma('foreign_keys = ON');
            db.pragma('synchronous = NORMAL');
            db.pragma('busy_timeout = 5000');
          },
        };
      },
    }),
  ],
  providers: [
    {
      // The raw better-sqlite3 handle, for the hot paths: prepared statements,
      // one synchronous transaction per snapshot, 64-bit integers as BigInt.
      provide: SQLITE,
      inject: [DataSource],
      useFactory: (ds: DataSource) => (ds.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection,
    },
  ],
  exports: [SQLITE],
})
export class DatabaseModule {}
