import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest cumulative count of each syscall of a run: what the next snapshot is checked against. */
@Entity('run_totals')
export class RunTotal {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @Column({ type: 'integer' })
  count!: string;
}
