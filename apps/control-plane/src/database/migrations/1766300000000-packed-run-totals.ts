import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';
import { packTotalsInto, unpackTotalsFrom } from './packed-totals-ddl';

/**
 * A run's totals packed into its `runs` row (issue 12, ingest throughput): `runs.totals` holds the
 * run's cumulative count per syscall as a JSON object `{"nr":count,...}` (collection/packed-totals.ts),
 * written by the update that advances the run, instead of one `run_totals` row per syscall upserted
 * every snapshot. `run_totals` becomes a view over it with the same columns and rows, so whole-run
 * readers and old SQL keep working. Backfilled from the old rows.
 */
export class PackedRunTotals1766300000000 implements MigrationInterface {
  name = 'PackedRunTotals1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    await packTotalsInto(runner, { rows: 'run_totals', owner: 'runs', key: 'run_id' });
  }

  async down(runner: QueryRunner): Promise<void> {
    await unpackTotalsFrom(runner, { rows: 'run_totals', key: 'run_id' });
    await ddl(runner).query(`ALTER TABLE "runs" DROP COLUMN "totals"`);
  }
}
