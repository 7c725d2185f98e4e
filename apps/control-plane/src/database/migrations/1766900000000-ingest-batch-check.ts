import { MigrationInterface, QueryRunner } from 'typeorm';

/** The SQLSTATE sc_ingest_check raises: the one-statement batch found a row moved on (batch-statement.ts). */
export const BATCH_MOVED_ON = 'SC001';

/**
 * PostgreSQL only: `sc_ingest_check(ok)`, which raises SQLSTATE SC001 unless @ok. A group-commit
 * batch is one statement on PostgreSQL (collection/batch-statement.ts): it writes its rows only
 * where the run, host and rollup rows are still as this replica last saw them, counts what it
 * wrote, and passes "every count as expected" to this function. An error aborts the statement,
 * so a batch that raced another replica leaves nothing behind and is stored again under row
 * locks. SQLite has one writer and keeps its transaction.
 */
export class IngestBatchCheck1766900000000 implements MigrationInterface {
  name = 'IngestBatchCheck1766900000000';

  async up(runner: QueryRunner): Promise<void> {
    if (runner.connection.options.type !== 'postgres') return;
    await runner.query(
      `CREATE FUNCTION sc_ingest_check(ok boolean) RETURNS boolean LANGUAGE plpgsql AS $$
       BEGIN
         IF ok IS NOT TRUE THEN
           RAISE EXCEPTION 'ingest batch: a run, host or rollup row changed since it was read'
             USING ERRCODE = '${BATCH_MOVED_ON}';
         END IF;
         RETURN true;
       END $$`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    if (runner.connection.options.type !== 'postgres') return;
    await runner.query('DROP FUNCTION sc_ingest_check(boolean)');
  }
}
