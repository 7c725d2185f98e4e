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
    // The store's hot pages are cached (or on SSD): at the default random_page_cost (4, spinning
    // disks) the planner reads a one-host hour by scanning every delta row (131 ms) instead of
    // seeking its snapshots' rows (15 ms, 1 h x 20 hosts); 1.1 is the usual figure for SSDs.
    options: '-c random_page_cost=1.1',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        INTEGER_OIDS.has(oid) ? asBigInt : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
}

const isInteger = (x: unknown) => typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x));

/**
 * BigInt parameters (and array elements) as text: node-postgres sends text, the server casts it.
 * An array of integers (ingest sends thousands per batch) is spelled as its array literal here:
 * node-postgres would quote and escape every element.
 */
function param(v: unknown): unknown {
  if (Array.isArray(v)) return v.every(isInteger) ? `{${v.join(',')}}` : v.map(param);
  return typeof v === 'bigint' ? v.toString() : v;
}

/** One name per statement text: some callers prepare per request, and a name is prepared once per connection. */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `sc_${names.size + 1}`));
  return name;
}

/**
 * SqlRunner over a node-postgres pool. A transaction holds one connection of the pool for its
 * callback; the statements issued inside it (in its async context) run on that connection.
 */
export class PostgresRunner extends SqlRunner implements OnModuleDestroy {
  readonly dialect = POSTGRES_DIALECT;
  /**
   * A transaction mostly waits on round trips and the WAL flush: a few at once (of the pool's 10
   * connections, the rest left to queries) keep the server busy; more only queue on locks.
   */
  readonly concurrentTransactions = 4;
  private readonly tx = new AsyncLocalStorage<{ client: PoolClient; savepoints: number }>();

  constructor(private readonly pool: Pool) {
    super();
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.end();
  }

  /** A named (server-side prepared) statement: parsed and planned once per pooled connection. */
  prepare(sql: string): Prepared {
    const text = this.dialect.placeholders(sql);
    const name = statementName(text);
    return {
      all: <T>(...params: unknown[]) => this.query<T>(text, params, name),
      get: async <T>(...params: unknown[]) => (await this.query<T>(text, params, name))[0],
      run: async (...params: unknown[]) => void (await this.query(text, params, name)),
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

  private async query<T>(text: string, params: unknown[], name?: string): Promise<T[]> {
    const on = this.tx.getStore()?.client ?? this.pool;
    const res = await on.query({ text, values: params.map(param), name });
    return res.rows as T[];
  }
}
