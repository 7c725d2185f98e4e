import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One stored snapshot per (run, seq): the primary key makes a double store impossible. */
@Entity('snapshots')
export class SnapshotRecord {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'time_ms', type: 'integer' })
  timeMs!: number;

  /** Syscalls in the interval this snapshot closes. */
  @Column({ type: 'integer' })
  total!: string;
}
