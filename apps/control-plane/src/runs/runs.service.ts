import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Run } from './run.entity';

@Injectable()
export class RunsService {
  constructor(@InjectRepository(Run) private readonly runs: Repository<Run>) {}

  find(runId: string): Promise<Run | null> {
    return this.runs.findOneBy({ runId });
  }

  /** Creates the run on its first hello; a reconnecting agent gets the stored one back. */
  async open(fields: Omit<Run, 'lastSeq' | 'finished' | 'lastSeenMs' | 'unattributed'>, nowMs: number): Promise<Run> {
    const existing = await this.find(fields.runId);
    if (existing) {
      existing.lastSeenMs = nowMs;
      return this.runs.save(existing);
    }
    return this.runs.save(
      this.runs.create({ ...fields, lastSeq: 0, finished: false, lastSeenMs: nowMs, unattributed: '0' }),
    );
  }
}
