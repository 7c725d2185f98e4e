import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('hosts')
export class Host {
  @PrimaryColumn({ name: 'host_id', type: 'text' })
  hostId!: string;

  @Column({ type: 'text' })
  hostname!: string;

  @Column({ name: 'kernel_release', type: 'text' })
  kernelRelease!: string;

  @Column({ type: 'text' })
  arch!: string;

  @Column({ name: 'boot_id', type: 'text' })
  bootId!: string;

  @Column({ name: 'first_seen_ms', type: 'integer' })
  firstSeenMs!: number;

  @Column({ name: 'last_seen_ms', type: 'integer' })
  lastSeenMs!: number;
}
