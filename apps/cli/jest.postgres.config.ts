import base from './jest.config';

/**
 * The CLI's suites against control planes on PostgreSQL (issue 12): history (diff, export, series,
 * per-process top) and breakdowns (per-container, failures); the embedded `top` stays SQLite.
 */
export default {
  ...base,
  displayName: 'cli (postgres)',
  testMatch: ['<rootDir>/test/history.e2e.spec.ts', '<rootDir>/test/breakdowns.e2e.spec.ts'],
  globalSetup: '<rootDir>/../../libs/test-support/src/pg-global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/pg-global-teardown.ts',
};
