import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hourOf } from '../database/hourly-rollups';
import { SqlRunner } from '../database/sql-runner';
import { DAY_MS } from '../database/migrations/1765600000001-raw-day-partitions';
import { ExpiryRepository } from './expiry.repository';
import { PartitionsRepository } from './partitions.repository';
import { RetentionConfig } from './retention-config';
import { RetentionMarksRepository } from './retention-marks.repository';

/** Snapshots removed per transaction: short enough that ingest waits little on SQLite. */
const RAW_BATCH = 500;

/** What one expiry pass removed (what `control-plane --expire-once` prints, and the benchmarks time). */
export interface ExpiryReport {
  /** false when another replica held the expiry lock: nothing was done. */
  ran: boolean;
  /** Raw rows before this time were expired (0: raw retention off). */
  rawBeforeMs: number;
  /** Hourly rollups before this time were expired (0: hourly retention off). */
  hourlyBeforeMs: number;
  /** Snapshots removed, each with its deltas, breakdown, failure and latency rows. */
  snapshots: number;
  /** PostgreSQL: day partitions of the per-snapshot tables dropped whole (before the rows above). */
  partitionsDropped: number;
  /** Rollup rows removed per table. */
  hourlyRows: Record<string, number>;
  /** Ten-minute rollup rows removed (with the raw rows: they cover the same time). */
  tenMinuteRows: number;
  /** When the pass held the expiry lock (from, to; unix ms). */
  startedMs: number;
  endedMs: number;
}

/**
 * The background expiry job: every SC_EXPIRE_EVERY (the first SC_EXPIRE_FIRST after start) it
 * removes raw rows older than SC_RETAIN_RAW and hourly rollups older than SC_RETAIN_HOURLY. One
 * replica at a time (ExpiryRepository.exclusive); the marks it leaves let queries say what is gone.
 */
@Injectable()
export class ExpiryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Expiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<ExpiryReport>;
  private readonly config?: RetentionConfig;

  constructor(
    private readonly repo: ExpiryRepository,
    private readonly marks: RetentionMarksRepository,
    private readonly partitions: PartitionsRepository,
    private readonly sql: SqlRunner,
    config: ConfigService,
  ) {
    this.config = config.get<RetentionConfig>('retention');
  }

  onApplicationBootstrap(): void {
    // Today's and the next days' partitions from the start: rows of a day that reach its default
    // partition first keep that day from being dropped whole.
    const today = Math.floor(Date.now() / DAY_MS);
    if (this.partitions.enabled && this.config)
      void this.partitions.ensureDays(today - 1, today + 2).catch((e) => this.logger.error(String(e)));
    const c = this.config;
    if (!c || c.everyMs === 0 || (c.rawMs === 0 && c.hourlyMs === 0)) return;
    const tick = (next: number) => {
      this.timer = setTimeout(() => {
        void this.expireOnce().catch((e) =>
          this.logger.error({ msg: 'expiry pass failed', error: e instanceof Error ? e.message : String(e) }),
        );
        tick(c.everyMs);
      }, next);
      this.timer.unref();
    };
    tick(c.firstMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass (unless one of this process is running: then that one's report). */
  expireOnce(nowMs = Date.now(), config = this.config): Promise<ExpiryReport> {
    if (!config) throw new Error('no retention configured');
    this.running ??= this.pass(nowMs, config).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(nowMs: number, c: RetentionConfig): Promise<ExpiryReport> {
    const rawBefore = c.rawMs > 0 ? hourOf(BigInt(nowMs - c.rawMs)) : 0n;
    const hourlyBefore = c.hourlyMs > 0 ? hourOf(BigInt(nowMs - c.hourlyMs)) : 0n;
    const tried = Date.now();
    // Timed while the lock is held, so two replicas' passes can be seen not to overlap.
    const removed = await this.repo.exclusive(async () => {
      const startedMs = Date.now();
      const today = Math.floor(nowMs / DAY_MS);
      await this.partitions.ensureDays(today - 1, today + 2);
      let snapshots = 0;
      let partitionsDropped = 0;
      // The mark moves first (in a transaction of its own): a query never misses rows unannounced.
      if (rawBefore > 0n && (await this.repo.anyRawBefore(rawBefore))) {
        await this.sql.transaction(() => this.marks.advance('raw', rawBefore));
        partitionsDropped = (await this.partitions.dropBefore(rawBefore)).length;
        for (;;) {
          const n = await this.repo.expireRawBatch(rawBefore, RAW_BATCH);
          snapshots += n;
          if (n < RAW_BATCH) break;
        }
      }
      const tenMinuteRows = rawBefore > 0n ? await this.repo.expireTenMinute(rawBefore) : 0;
      let hourlyRows: Record<string, number> = {};
      if (hourlyBefore > 0n && (await this.repo.anyHourlyBefore(hourlyBefore))) {
        await this.sql.transaction(() => this.marks.advance('hourly', hourlyBefore));
        hourlyRows = await this.repo.expireHourly(hourlyBefore);
      }
      return { snapshots, partitionsDropped, hourlyRows, tenMinuteRows, startedMs, endedMs: Date.now() };
    });
    const report: ExpiryReport = {
      ran: removed !== undefined,
      rawBeforeMs: Number(rawBefore),
      hourlyBeforeMs: Number(hourlyBefore),
      snapshots: removed?.snapshots ?? 0,
      partitionsDropped: removed?.partitionsDropped ?? 0,
      hourlyRows: removed?.hourlyRows ?? {},
      tenMinuteRows: removed?.tenMinuteRows ?? 0,
      startedMs: removed?.startedMs ?? tried,
      endedMs: removed?.endedMs ?? Date.now(),
    };
    if (report.ran) this.logger.log({ msg: 'expiry pass done', ...report });
    else this.logger.log({ msg: 'expiry pass skipped: another replica holds the expiry lock', startedMs: tried });
    return report;
  }
}
