import base from './jest.config';

/**
 * The CLI's history spec (diff, export, series, per-process top) against control planes on
 * PostgreSQL (issue 12). The breakdown, failure and latency sums are checked on PostgreSQL by the
 * control plane's suites; the CLI's breakdowns spec passes there too (111 s) but would take npm
 * test past its time budget. The embedded `top` stays SQLite.
 */
export default {
  ...base,
  displayName: 'cli (postgres)',
  testMatch: ['<rootDir>/test/history.e2e.spec.ts'],
  globalSetup: '<rootDir>/../../libs/test-support/src/pg-global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/pg-global-teardown.ts',
};
