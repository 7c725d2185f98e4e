import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('runs')
export class Run {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @Index('idx_runs_host')
  @Column({ name: 'host_id', type: 'text' })
  hostId!: string;

  @Column({ type: 'text' })
  hostname!: string;

  @Column({ type: 'text' })
  arch!: string;

  @Column({ name: 'kernel_release', type: 'text' })
  kernelRelease!: string;

  @Column({ name: 'boot_id', type: 'text' })
  bootId!: string;

  @Column({ name: 'agent_version', type: 'text' })
  agentVersion!: string;

  @Column({ name: 'map_mode', type: 'text' })
  mapMode!: string;

  @Column({ name: 'interval_ms', type: 'integer' })
  intervalMs!: number;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'started_ms', type: 'integer' })
  startedMs!: number;

  @Column({ name: 'last_seen_ms', type: 'integer' })
  lastSeenMs!: number;

  /** Per-process mode: how many processes each snapshot names (0: host-wide counts only). */
  @Column({ name: 'process_top_k', type: 'integer', default: 0 })
  processTopK!: number;

  /** Per-cgroup mode: how many cgroups each snapshot names (0: none). */
  @Column({ name: 'cgroup_top_k', type: 'integer', default: 0 })
  cgroupTopK!: number;

  /** --errors: snapshots carry failed calls per syscall and errno. */
  @Column({ type: 'boolean', default: false })
  errors!: boolean;

  /** --latency: snapshots carry per-syscall latency histograms. */
  @Column({ type: 'boolean', default: false })
  latency!: boolean;

  /** Cumulative calls the agent could not attribute (per-process or per-cgroup mode), as of last_seq. */
  @Column({ type: 'integer', default: 0 })
  unattributed!: string;

  /** Highest snapshot sequence stored; 0 before the first. */
  @Column({ name: 'last_seq', type: 'integer', default: 0 })
  lastSeq!: number;

  @Column({ type: 'boolean', default: false })
  finished!: boolean;
}
