import type { SqlDialect } from './sql-dialect';

/** A statement prepared once per text: 64-bit integers come back as BigInt on both engines. */
export interface Prepared {
  all<T>(...params: unknown[]): Promise<T[]>;
  get<T>(...params: unknown[]): Promise<T | undefined>;
  run(...params: unknown[]): Promise<void>;
}

/**
 * How the repositories reach the engine (see sql-dialect.ts). Promise-returning because one engine
 * (PostgreSQL, over a pool) is asynchronous; the SQLite runner resolves at once. Statements issued
 * while a transaction() callback runs belong to that transaction (the runner tracks it per async
 * context), so repositories never pass a connection around.
 */
export abstract class SqlRunner {
  abstract readonly dialect: SqlDialect;

  /** How many top-level transactions may usefully run at once (each holds a connection). */
  abstract readonly concurrentTransactions: number;

  /** A statement reused across calls (the hot paths: ingest, per-scope checks). */
  abstract prepare(sql: string): Prepared;

  /** Rows of a query built per request (its text varies with the scope). */
  abstract all<T>(sql: string, ...params: unknown[]): Promise<T[]>;

  /**
   * fn in one transaction: resolves after the commit, rejects after a rollback. Top-level
   * transactions of one runner run one at a time (SQLite has one connection; on PostgreSQL each
   * takes a connection of the pool).
   */
  abstract transaction<R>(fn: () => Promise<R>): Promise<R>;

  /** fn in a savepoint of the running transaction: a failure rolls back fn's writes alone. */
  abstract savepoint<R>(fn: () => Promise<R>): Promise<R>;
}
