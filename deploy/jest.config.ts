export default {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
  testTimeout: 60000,
};
