/**
 * The engine seam of the data-access layer. SQL lives only in the repositories (one per concern:
 * hosts-runs, ingest, counts, breakdowns, failures, latency), written once in the SQL that SQLite
 * and PostgreSQL share; the few places the engines differ go through the small functions below,
 * and reading rows (64-bit integers as BigInt, statements, transactions) through SqlRunner.
 * PostgreSQL (SC_DB_URL, same migrations) has its own dialect ($n placeholders, GREATEST, strpos,
 * ::bigint casts, no index hints, row locks) and runner (postgres-runner.ts, over a pool).
 */
export interface SqlDialect {
  /** The engine's placeholders for SQL written with '?'. */
  placeholders(sql: string): string;
  /** A 64-bit integer parameter used in arithmetic (engines that infer types need the cast). */
  int(): string;
  /** INSERT of a counter row that, on a key conflict, sets the count ('replace') or adds to it ('add'). */
  upsertCount(table: string, keys: string[], mode: 'replace' | 'add'): string;
  /** A hint naming the snapshots index to read by; '' where the engine's planner takes none. */
  indexHint(index: string): string;
  /** The larger of two integer expressions. */
  greatest(a: string, b: string): string;
  /** The part of a text expression after its first ':' ('' without one). */
  afterColon(expr: string): string;
  /**
   * What ends a SELECT of rows the transaction then updates: a row lock where writers run
   * concurrently (PostgreSQL, several replicas); '' where writes are serialised (SQLite).
   */
  forUpdate(): string;
  /**
   * A SELECT (column got: true/false) taking a lock named by @key until the transaction ends,
   * without waiting; null where one process owns the database (SQLite: nothing to take).
   */
  tryTransactionLock(key: number): string | null;
  /**
   * A row source of one array parameter per column, for inserting many rows in one statement
   * ("SELECT ... FROM <this> AS u(c1, c2)"); null where statements are cheap and rows go one by one
   * (SQLite, in process). On PostgreSQL each statement is a round trip: ingest sends a snapshot's
   * deltas in one statement per table instead of one per row.
   */
  arrayRows(types: string[]): string | null;
  /**
   * The count stored under one key of a packed `{"nr":count,...}` column (snapshot_counts.counts:
   * JSONB on both engines, SQLite's binary one and PostgreSQL's), as an integer; NULL when absent. The key is one '?'
   * parameter, its value packedKey(nr).
   */
  packedCount(column: string): string;
  packedKey(nr: number): string;
  /** A packed column's value from its text parameter ('?'), and the column read back as that text. */
  packedValue(): string;
  packedText(column: string): string;
}

export const SQLITE_DIALECT: SqlDialect = {
  placeholders: (sql) => sql,
  int: () => '?',
  upsertCount: (table, keys, mode) => {
    const cols = [...keys, 'count'];
    const set = mode === 'add' ? `${table}.count + excluded.count` : 'excluded.count';
    return (
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ` +
      `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET count = ${set}`
    );
  },
  indexHint: (index) => `INDEXED BY ${index}`,
  greatest: (a, b) => `MAX(${a}, ${b})`,
  afterColon: (expr) => `CASE WHEN instr(${expr}, ':') > 0 THEN substr(${expr}, instr(${expr}, ':') + 1) ELSE '' END`,
  forUpdate: () => '',
  tryTransactionLock: () => null,
  arrayRows: () => null,
  packedCount: (column) => `json_extract(${column}, ?)`,
  packedKey: (nr) => `$."${nr}"`,
  // Stored as SQLite's binary JSONB (3.45+): json_extract reads it without parsing text.
  packedValue: () => 'jsonb(?)',
  packedText: (column) => `json(${column})`,
};

export const POSTGRES_DIALECT: SqlDialect = {
  placeholders: (sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  },
  int: () => '?::bigint',
  upsertCount: SQLITE_DIALECT.upsertCount,
  indexHint: () => '',
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  afterColon: (expr) => `CASE WHEN strpos(${expr}, ':') > 0 THEN substr(${expr}, strpos(${expr}, ':') + 1) ELSE '' END`,
  forUpdate: () => ' FOR UPDATE',
  tryTransactionLock: (key) => `SELECT pg_try_advisory_xact_lock(${key}) AS got`,
  arrayRows: (types) => `unnest(${types.map((t) => `?::${t}[]`).join(', ')})`,
  // ->> of a text key (an integer would index an array), a binary search in jsonb; numeric text to bigint.
  packedCount: (column) => `(${column} ->> ?::text)::bigint`,
  packedKey: (nr) => String(nr),
  packedValue: () => '?::jsonb',
  packedText: (column) => `${column}::text`,
};
