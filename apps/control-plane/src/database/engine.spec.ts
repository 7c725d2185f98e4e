import { INestApplicationContext } from '@nestjs/common';
import { inMemoryApp } from '../testing/in-memory-app';
import { POSTGRES_DIALECT, SQLITE_DIALECT } from './sql-dialect';
import { SqlRunner } from './sql-runner';

describe('the engine the in-process specs run on', () => {
  let app: INestApplicationContext;
  beforeAll(async () => (app = await inMemoryApp()));
  afterAll(() => app.close());

  it('is PostgreSQL with SC_TEST_DB=postgres (integers as BigInt), SQLite otherwise', async () => {
    const pg = process.env.SC_TEST_DB === 'postgres';
    const sql = app.get(SqlRunner);
    expect(sql.dialect).toBe(pg ? POSTGRES_DIALECT : SQLITE_DIALECT);
    expect(await sql.all('SELECT 2 + 3 AS n, COUNT(*) AS c FROM hosts')).toEqual([{ n: 5n, c: 0n }]);
  });
});
