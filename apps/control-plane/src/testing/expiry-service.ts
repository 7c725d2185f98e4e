import { INestApplicationContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { SqlRunner } from '../database/sql-runner';
import { ExpiryRepository } from '../retention/expiry.repository';
import { ExpiryService } from '../retention/expiry.service';
import { PartitionsRepository } from '../retention/partitions.repository';
import { RetentionMarksRepository } from '../retention/retention-marks.repository';

/**
 * For the in-process specs: the real expiry service over an in-memory app's database, called
 * directly with the retention it is given (no background job, so no configuration).
 */
export function expiryOf(app: INestApplicationContext): { expiry: ExpiryService; partitions: PartitionsRepository } {
  const sql = app.get(SqlRunner);
  const unused = { get: () => undefined } as unknown as ConfigService;
  const partitions = new PartitionsRepository(sql, app.get(DataSource));
  const expiry = new ExpiryService(
    new ExpiryRepository(sql),
    new RetentionMarksRepository(sql),
    partitions,
    sql,
    unused,
  );
  return { expiry, partitions };
}
