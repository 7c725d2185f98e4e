export default {
  displayName: 'agent',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.spec.ts'],
  testTimeout: 60000,
};
