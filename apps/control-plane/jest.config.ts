export default {
  displayName: 'control-plane',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e.spec.ts'],
  testTimeout: 120000,
};
