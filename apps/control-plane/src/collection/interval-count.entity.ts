import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Per-interval deltas, non-zero rows only: history queries sum these and never
 * rescan cumulative values. host_id and time_ms are copied from the run and the
 * snapshot so window queries need no join. nr -2 is the "other" bucket.
 */
@Entity('interval_counts')
@Index('idx_ic_host_time', ['hostId', 'timeMs'])
@Index('idx_ic_time', ['timeMs'])
export class IntervalCount {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @Column({ name: 'host_id', type: 'text' })
  hostId!: string;

  @Column({ name: 'time_ms', type: 'integer' })
  timeMs!: number;

  @Column({ type: 'integer' })
  count!: string;
}
