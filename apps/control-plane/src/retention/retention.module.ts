import { Module } from '@nestjs/common';
import { ExpiryRepository } from './expiry.repository';
import { ExpiryService } from './expiry.service';
import { PartitionsRepository } from './partitions.repository';
import { RetentionMarksRepository } from './retention-marks.repository';

/** What ExpiryService needs besides the database. */
export const EXPIRY_PROVIDERS = [ExpiryRepository, PartitionsRepository, RetentionMarksRepository];

/** Retention: the background expiry job and the marks of what it removed (SC_RETAIN_*). */
@Module({
  providers: [ExpiryService, ...EXPIRY_PROVIDERS],
  exports: [ExpiryService, RetentionMarksRepository],
})
export class RetentionModule {}
