import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per host, per hour (of the snapshots' times), per syscall: maintained at ingest in the
 * same transaction, so queries over whole hours read one row per hour instead of 360.
 */
@Entity('hourly_counts', { withoutRowid: true })
export class HourlyCount {
  @PrimaryColumn({ name: 'hour_ms', type: 'integer' })
  hourMs!: number;

  @PrimaryColumn({ name: 'host_id', type: 'text' })
  hostId!: string;

  @PrimaryColumn({ type: 'integer' })
  nr!: number;

  @Column({ type: 'integer' })
  count!: string;
}
