import { startPgCluster } from './postgres';

/** jest globalSetup of the PostgreSQL runs: one throw-away cluster for the whole suite. */
export default function setup(): void {
  const { url, dir } = startPgCluster();
  process.env.SC_TEST_PG_URL = url;
  process.env.SC_TEST_PG_DIR = dir;
  process.env.SC_TEST_DB = 'postgres';
}
