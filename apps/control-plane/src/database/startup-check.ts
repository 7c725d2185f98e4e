import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why a database cannot be used, in one line an operator can act on. */
export class DatabaseUnusableError extends Error {}

function openForWrite(path: string, what: string): void {
  try {
    closeSync(openSync(path, constants.O_RDWR));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
      throw new DatabaseUnusableError(`${what} ${path} is read-only (${code}): the control plane must write it`);
    throw new DatabaseUnusableError(`cannot open ${what} ${path}: ${(e as Error).message}`);
  }
}

/** A new database's directory: created if missing, and writable (the database and its WAL go there). */
function checkDirectory(dir: string): void {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK);
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'is read-only' : `cannot be written (${code})`;
    throw new DatabaseUnusableError(`cannot create the database in ${dir}: ${existing} ${why}`);
  }
}

/**
 * Before the store opens (and its migrations run): an existing database file must be a regular,
 * writable file whose pages pass SQLite's quick_check. A corrupt or read-only file would otherwise
 * start, then fail every query; this says so at once, in one line.
 */
export function checkDatabaseFile(path: string): void {
  if (path === ':memory:') return;
  if (!existsSync(path)) return checkDirectory(dirname(path));
  if (!statSync(path).isFile()) throw new DatabaseUnusableError(`database ${path} is not a regular file`);
  openForWrite(path, 'database');
  for (const side of [`${path}-wal`, `${path}-shm`]) if (existsSync(side)) openForWrite(side, 'database file');
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 1000 });
    const rows = db.pragma('quick_check(5)') as Array<{ quick_check: string }>;
    const problems = rows.flatMap((r) => r.quick_check.split('\n')).filter((r) => r !== 'ok');
    if (problems.length > 0)
      throw new DatabaseUnusableError(
        `database ${path} is corrupt (quick_check: ${problems[0]}${problems.length > 1 ? ', ...' : ''}): ` +
          'restore it from a backup or move it away',
      );
  } catch (e) {
    if (e instanceof DatabaseUnusableError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN')
      throw new DatabaseUnusableError(`database ${path} cannot be written (${code}); is ${dirname(path)} read-only?`);
    throw new DatabaseUnusableError(`database ${path} is corrupt or not a SQLite database: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}
