import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-process mode: the calls of a snapshot's interval made by each of its K busiest
 * processes, per syscall; pid 0 holds the rest of the interval's total (other processes,
 * unattributed calls, the breakdown of snapshots an agent dropped), so the rows of a
 * snapshot always add up to its total.
 */
@Entity('process_counts', { withoutRowid: true })
export class ProcessCountRecord {
  @PrimaryColumn({ name: 'snap_key', type: 'integer' })
  snapKey!: number;

  @PrimaryColumn({ type: 'integer' })
  pid!: number;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @Column({ type: 'text' })
  comm!: string;

  @Column({ type: 'integer' })
  count!: string;
}
