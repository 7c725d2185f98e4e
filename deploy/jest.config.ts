export default {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 60000,
};
