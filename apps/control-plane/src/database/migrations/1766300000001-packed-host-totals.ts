import { MigrationInterface, QueryRunner } from 'typeorm';
import { ddl } from './engine-ddl';
import { packTotalsInto, unpackTotalsFrom } from './packed-totals-ddl';

/**
 * A host's all-runs totals packed into its `hosts` row (issue 12, ingest throughput), as the runs'
 * were (1766300000000): `hosts.totals` (JSON `{"nr":count,...}`) and `hosts.calls` (their sum: the
 * version /metrics caches a host's text by; NULL while the host has no counts), rewritten once per
 * batch by the transaction that holds the host's row lock (collection/batch-store.ts), instead of
 * 60 `host_totals` upserts per snapshot. `host_totals` becomes a view with the old rows. Backfilled.
 */
export class PackedHostTotals1766300000001 implements MigrationInterface {
  name = 'PackedHostTotals1766300000001';

  async up(runner: QueryRunner): Promise<void> {
    await packTotalsInto(runner, { rows: 'host_totals', owner: 'hosts', key: 'host_id' }, async (q) => {
      await q.query(`ALTER TABLE "hosts" ADD COLUMN "calls" integer`);
      await q.query(`UPDATE "hosts"
          SET "calls" = (SELECT SUM(c.count) FROM "host_totals" c WHERE c.host_id = "hosts".host_id)
        WHERE EXISTS (SELECT 1 FROM "host_totals" o WHERE o.host_id = "hosts".host_id)`);
    });
  }

  async down(runner: QueryRunner): Promise<void> {
    await unpackTotalsFrom(runner, { rows: 'host_totals', key: 'host_id' });
    await ddl(runner).query(`ALTER TABLE "hosts" DROP COLUMN "calls"`);
    await ddl(runner).query(`ALTER TABLE "hosts" DROP COLUMN "totals"`);
  }
}
