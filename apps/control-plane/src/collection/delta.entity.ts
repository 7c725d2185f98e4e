import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-interval deltas, non-zero rows only: history queries sum these and never rescan
 * cumulative values. Keyed by the snapshot's integer key so a row is a few bytes.
 * nr -2 is the "other" bucket.
 */
@Entity('deltas', { withoutRowid: true })
export class Delta {
  @PrimaryColumn({ name: 'snap_key', type: 'integer' })
  snapKey!: number;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @Column({ type: 'integer' })
  count!: string;
}
