import base from './jest.config';

/**
 * The same suites on PostgreSQL (issue 12): one throw-away cluster for the run, a database per
 * control plane. Not the specs about SQLite files themselves: the migration spec (old SQLite files
 * carried forward), the start-up checks of a corrupt or read-only file, and the full-disk fault.
 */
export default {
  ...base,
  displayName: 'control-plane (postgres)',
  testPathIgnorePatterns: [
    '/node_modules/',
    'migrations\\.e2e\\.spec\\.ts$',
    'database-start\\.e2e\\.spec\\.ts$',
    'faults\\.e2e\\.spec\\.ts$',
    // Ten restarts of the control plane: engine-neutral, and a minute of the suite's time budget.
    'faults-restart\\.e2e\\.spec\\.ts$',
  ],
  globalSetup: '<rootDir>/../../libs/test-support/src/pg-global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/pg-global-teardown.ts',
};
