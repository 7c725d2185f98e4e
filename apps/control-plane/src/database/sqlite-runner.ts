import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { SQLITE_DIALECT } from './sql-dialect';
import { Prepared, SqlRunner } from './sql-runner';
import { SQLITE, SqliteHandle } from './sqlite.token';

/**
 * SqlRunner over better-sqlite3: synchronous underneath, so every promise is already settled and a
 * transaction whose callback awaits only this runner completes within one event-loop turn. A queue
 * still serialises transactions, in case a callback ever awaits something else.
 */
@Injectable()
export class SqliteRunner extends SqlRunner {
  readonly dialect = SQLITE_DIALECT;
  /** One connection: transactions run one after the other. */
  readonly concurrentTransactions = 1;
  private readonly cache = new Map<string, Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private savepoints = 0;

  constructor(@Inject(SQLITE) private readonly db: SqliteHandle) {
    super();
  }

  prepare(sql: string): Prepared {
    const text = this.dialect.placeholders(sql);
    let stmt = this.cache.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text).safeIntegers(true);
      this.cache.set(text, stmt);
    }
    const s = stmt;
    return {
      all: async <T>(...params: unknown[]) => s.all(...params) as T[],
      get: async <T>(...params: unknown[]) => s.get(...params) as T | undefined,
      run: async (...params: unknown[]) => void s.run(...params),
    };
  }

  async all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.db
      .prepare(this.dialect.placeholders(sql))
      .safeIntegers(true)
      .all(...params) as T[];
  }

  transaction<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(async () => {
      this.db.exec('BEGIN');
      try {
        const r = await fn();
        this.db.exec('COMMIT');
        return r;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async savepoint<R>(fn: () => Promise<R>): Promise<R> {
    const name = `sp${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const r = await fn();
      this.db.exec(`RELEASE ${name}`);
      return r;
    } catch (err) {
      this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    } finally {
      this.savepoints--;
    }
  }
}
