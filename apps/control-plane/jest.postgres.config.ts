import base from './jest.config';

/**
 * The same suites on PostgreSQL (issue 12): one throw-away cluster for the run, a database per
 * control plane. Not the migration spec, which carries old SQLite files forward.
 */
export default {
  ...base,
  displayName: 'control-plane (postgres)',
  testPathIgnorePatterns: ['/node_modules/', 'migrations\\.e2e\\.spec\\.ts$'],
  globalSetup: '<rootDir>/../../libs/test-support/src/pg-global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/pg-global-teardown.ts',
};
