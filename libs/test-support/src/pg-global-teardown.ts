import { stopPgCluster } from './postgres';

/** jest globalTeardown of the PostgreSQL runs: stops the suite's cluster and deletes it. */
export default function teardown(): void {
  if (process.env.SC_TEST_PG_DIR) stopPgCluster(process.env.SC_TEST_PG_DIR);
}
