import { DataSource, DataSourceOptions } from 'typeorm';

/**
 * The session advisory lock that serialises migrations on PostgreSQL ('sc-migr' as a 64-bit
 * number): replicas starting together on an empty database would otherwise each create the
 * migrations table and the schema at once, and all but one fail on a duplicate name.
 */
export const MIGRATION_LOCK_KEY = '8314539284999139840'; // 0x73632d6d69677200 (PostgreSQL 15 reads no hex)

/**
 * TypeORM's dataSourceFactory: opens the data source, then runs the pending migrations. On
 * PostgreSQL under the advisory lock, on a connection of its own held for the whole run: the
 * second replica waits for the first one's commit, then finds nothing left to do. SQLite has one
 * process per file: its data source is returned unopened, and migrates as Nest opens it
 * (migrationsRun in its options).
 */
export async function openAndMigrate(options: DataSourceOptions): Promise<DataSource> {
  // SQLite: TypeORM's own path (Nest opens it, migrationsRun migrates it).
  if (options.type !== 'postgres') return new DataSource(options);
  const ds = await new DataSource(options).initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    await ds.runMigrations({ transaction: 'all' });
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  } finally {
    // Ending the session releases its lock too; unlock explicitly so a pooled connection is clean.
    if (ds.isInitialized) await lock.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
  return ds;
}
