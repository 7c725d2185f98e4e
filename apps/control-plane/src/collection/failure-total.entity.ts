import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest cumulative failure counts of a run: what the next snapshot is checked against. */
@Entity('failure_totals')
export class FailureTotal {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @PrimaryColumn({ name: 'errno_code', type: 'integer' })
  errnoCode!: number;

  @Column({ type: 'integer' })
  count!: string;
}
