import type { ControlPlane } from '@syscall-counter/test-support';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/database.module';

/**
 * The test's database migrated only up to (not including) the migration whose name starts with
 * @before: a store as an older release left it, to fill with old-shape rows before the control
 * plane carries it forward. The caller destroys the DataSource when done.
 */
export async function schemaBefore(cp: ControlPlane, before: string): Promise<DataSource> {
  const migrations = MIGRATIONS.slice(
    0,
    MIGRATIONS.findIndex((m) => m.name.startsWith(before)),
  );
  const old = new DataSource(
    cp.dbUrl
      ? { type: 'postgres', url: cp.dbUrl, migrations }
      : { type: 'better-sqlite3', database: cp.dbPath, migrations },
  );
  await old.initialize();
  await old.runMigrations();
  return old;
}
