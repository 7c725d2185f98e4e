import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Bucket of the latency rows: 0..63 log2 buckets, and these two. */
export const TOTAL_NS_BUCKET = -1;
export const UNRETURNED_BUCKET = -2;

/** --latency runs: a snapshot's interval per syscall: calls per log2 bucket, total ns, unreturned calls. */
@Entity('latency_deltas', { withoutRowid: true })
export class LatencyDelta {
  @PrimaryColumn({ name: 'snap_key', type: 'integer' })
  snapKey!: number;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @PrimaryColumn({ type: 'integer' })
  bucket!: number;

  @Column({ type: 'integer' })
  count!: string;
}
