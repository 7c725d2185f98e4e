import { OnModuleDestroy } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, PoolClient, types } from 'pg';
import { POSTGRES_DIALECT } from './sql-dialect';
import { Prepared, SqlRunner } from './sql-runner';

/** int2, int4, int8 and numeric (what SUM of bigint returns): BigInt, as SQLite's safe integers give. */
const INTEGER_OIDS = new Set([20, 21, 23, 1700]);
const asBigInt = (text: string) => BigInt(text);

/** A pool whose integers come back as BigInt. */
export function bigintPool(connectionString: string, max = 10): Pool {
  return new Pool({
    connectionString,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        INTEGER_OIDS.has(oid) ? asBigInt : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
}

/** BigInt parameters as text (node-postgres sends text; the server casts to the column's type). */
function param(v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * SqlRunner over a node-postgres pool. A transaction holds one connection of the pool for its
 * callback; the statements issued inside it (in its async context) run on that connection.
 */
export class PostgresRunner extends SqlRunner implements OnModuleDestroy {
  readonly dialect = POSTGRES_DIALECT;
  private readonly tx = new AsyncLocalStorage<{ client: PoolClient; savepoints: number }>();

  constructor(private readonly pool: Pool) {
    super();
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.end();
  }

  prepare(sql: string): Prepared {
    const text = this.dialect.placeholders(sql);
    return {
      all: <T>(...params: unknown[]) => this.query<T>(text, params),
      get: async <T>(...params: unknown[]) => (await this.query<T>(text, params))[0],
      run: async (...params: unknown[]) => void (await this.query(text, params)),
    };
  }

  all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.query<T>(this.dialect.placeholders(sql), params);
  }

  async transaction<R>(fn: () => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const r = await this.tx.run({ client, savepoints: 0 }, fn);
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    } finally {
      client.release();
    }
  }

  async savepoint<R>(fn: () => Promise<R>): Promise<R> {
    const t = this.tx.getStore();
    if (!t) throw new Error('savepoint outside a transaction');
    const name = `sp${++t.savepoints}`;
    await t.client.query(`SAVEPOINT ${name}`);
    try {
      const r = await fn();
      await t.client.query(`RELEASE SAVEPOINT ${name}`);
      return r;
    } catch (err) {
      await t.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    } finally {
      t.savepoints--;
    }
  }

  private async query<T>(text: string, params: unknown[]): Promise<T[]> {
    const on = this.tx.getStore()?.client ?? this.pool;
    const res = await on.query(text, params.map(param));
    return res.rows as T[];
  }
}
