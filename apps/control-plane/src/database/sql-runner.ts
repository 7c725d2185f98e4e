import { Inject, Injectable } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import { SQLITE_DIALECT, SqlDialect } from './sql-dialect';
import { SQLITE, SqliteHandle } from './sqlite.token';

/** A prepared statement: 64-bit integers come back as BigInt. */
export interface Prepared {
  all<T>(...params: unknown[]): T[];
  get<T>(...params: unknown[]): T | undefined;
  run(...params: unknown[]): void;
}

/**
 * How the repositories reach the engine (see sql-dialect.ts): synchronous better-sqlite3, whose
 * transactions commit when the function returns, which is what lets ingest ack after commit.
 */
@Injectable()
export class SqlRunner {
  readonly dialect: SqlDialect = SQLITE_DIALECT;
  private readonly cache = new Map<string, Statement>();

  constructor(@Inject(SQLITE) private readonly db: SqliteHandle) {}

  /** A statement prepared once and reused (the hot paths: ingest, per-scope checks). */
  prepare(sql: string): Prepared {
    const text = this.dialect.placeholders(sql);
    let stmt = this.cache.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text).safeIntegers(true);
      this.cache.set(text, stmt);
    }
    const s = stmt;
    return {
      all: <T>(...params: unknown[]) => s.all(...params) as T[],
      get: <T>(...params: unknown[]) => s.get(...params) as T | undefined,
      run: (...params: unknown[]) => void s.run(...params),
    };
  }

  /** Rows of a query built per request (its text varies with the scope: not cached). */
  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.db
      .prepare(this.dialect.placeholders(sql))
      .safeIntegers(true)
      .all(...params) as T[];
  }

  /**
   * Wraps fn in a transaction: committed when the wrapper returns, rolled back if it throws;
   * called inside another transaction it becomes a savepoint, so an inner failure rolls back alone.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return this.db.transaction(fn) as unknown as (...args: A) => R;
  }
}
