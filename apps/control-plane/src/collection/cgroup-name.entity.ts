import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** A cgroup v2 path and what runs there, stored once for every snapshot that names it. */
@Entity('cgroup_names')
@Unique('uq_cgroup_names', ['path', 'container'])
export class CgroupName {
  @PrimaryColumn({ name: 'name_key', type: 'integer' })
  nameKey!: number;

  @Column({ type: 'text' })
  path!: string;

  /** "docker:<id12>", a systemd unit, "" when the path names nothing known; "other" for key 0. */
  @Column({ type: 'text' })
  container!: string;
}
