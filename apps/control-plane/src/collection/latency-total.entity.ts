import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest cumulative latency rows of a run: what the next snapshot is checked against. */
@Entity('latency_totals')
export class LatencyTotal {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @PrimaryColumn({ type: 'integer' })
  bucket!: number;

  @Column({ type: 'integer' })
  count!: string;
}
