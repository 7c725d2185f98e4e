import { Column, Entity, PrimaryColumn } from 'typeorm';

/** --errors runs: the failed calls of a snapshot's interval per syscall (errno_code 0) and per errno. */
@Entity('failure_deltas', { withoutRowid: true })
export class FailureDelta {
  @PrimaryColumn({ name: 'snap_key', type: 'integer' })
  snapKey!: number;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @PrimaryColumn({ name: 'errno_code', type: 'integer' })
  errnoCode!: number;

  @Column({ type: 'integer' })
  count!: string;
}
