import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-cgroup mode: the calls of a snapshot's interval made in each of its K busiest cgroups,
 * per syscall; name_key 0 ("other") holds the rest of the interval's total, so the rows of a
 * snapshot always add up to its total.
 */
@Entity('cgroup_counts', { withoutRowid: true })
export class CgroupCountRecord {
  @PrimaryColumn({ name: 'snap_key', type: 'integer' })
  snapKey!: number;

  @PrimaryColumn({ name: 'name_key', type: 'integer' })
  nameKey!: number;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @Column({ type: 'integer' })
  count!: string;
}
