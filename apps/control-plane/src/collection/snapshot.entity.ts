import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One stored snapshot per (run, seq): the unique index makes a double store impossible.
 * snap_key, a small integer, is what the per-syscall delta rows point at.
 */
@Entity('snapshots')
@Index('idx_snapshots_run_seq', ['runId', 'seq'], { unique: true })
@Index('idx_snapshots_run_time', ['runId', 'timeMs'])
@Index('idx_snapshots_time', ['timeMs'])
@Index('idx_snapshots_host_time', ['hostId', 'timeMs'])
export class SnapshotRecord {
  @PrimaryGeneratedColumn({ name: 'snap_key', type: 'integer' })
  snapKey!: number;

  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ name: 'host_id', type: 'text' })
  hostId!: string;

  /** The agent's clock when it read the maps; the deltas cover the time since the run's previous snapshot. */
  @Column({ name: 'time_ms', type: 'integer' })
  timeMs!: number;

  /** Syscalls in the interval this snapshot closes. */
  @Column({ type: 'integer' })
  total!: string;

  /** Of those, calls the agent could not attribute to a process or cgroup (its map was full). */
  @Column({ type: 'integer', default: 0 })
  unattributed!: string;
}
