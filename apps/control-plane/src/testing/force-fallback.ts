import { INestApplicationContext } from '@nestjs/common';
import { BatchStatement } from '../collection/batch-statement';
import { IngestBatchRepository } from '../collection/ingest-batch.repository';
import { BATCH_MOVED_ON } from '../database/migrations/1766900000000-ingest-batch-check';

/**
 * Every batch of @app as if another replica had moved one of its runs on: the batched write is
 * refused (PostgreSQL: the one statement's check; SQLite: the run's advance), so each batch is
 * stored again snapshot by snapshot under row locks (BatchStore's fallback).
 */
export function forceFallback(app: INestApplicationContext): void {
  if (app.get(IngestBatchRepository).multiRow) {
    const movedOn = Object.assign(new Error('moved on'), { code: BATCH_MOVED_ON });
    jest.spyOn(app.get(BatchStatement), 'write').mockRejectedValue(movedOn);
  } else jest.spyOn(app.get(IngestBatchRepository), 'putHeads').mockResolvedValue(null);
}
