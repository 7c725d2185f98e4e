import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '../config/configuration';
import { DatabaseModule } from '../database/database.module';
import { ExpiryReport, ExpiryService } from './expiry.service';
import { RetentionConfig } from './retention-config';
import { EXPIRY_PROVIDERS } from './retention.module';

/**
 * One expiry pass over the configured database, outside a server: what `control-plane
 * --expire-once` runs, and what the benchmarks (tools/bench/) call to time expiry. @nowMs moves
 * "now" (a benchmark expires a day it generated in the past); @retention overrides SC_RETAIN_*.
 * Takes the same expiry lock as the replicas' job.
 */
export async function expireOnce(
  config: Pick<AppConfig, 'dbPath' | 'dbUrl' | 'retention'>,
  nowMs = Date.now(),
  retention: Partial<RetentionConfig> = {},
): Promise<ExpiryReport> {
  const settings = { ...config, retention: { ...config.retention, ...retention, everyMs: 0 }, dbRetryAttempts: 0 };
  @Module({
    imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => settings] }), DatabaseModule],
    providers: [ExpiryService, ...EXPIRY_PROVIDERS],
  })
  class ExpireOnceModule {}
  // abortOnError false: a database that cannot be opened throws (main says why in one line)
  // instead of Nest exiting 1 without a word.
  const app = await NestFactory.createApplicationContext(ExpireOnceModule, { logger: false, abortOnError: false });
  try {
    return await app.get(ExpiryService).expireOnce(nowMs);
  } finally {
    await app.close();
  }
}
