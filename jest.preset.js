// Shared by every project's jest.config.ts: TypeScript through ts-jest, and the
// workspace libraries mapped to their sources so tests never need a build.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.spec.json') }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@syscall-counter/syscall-table$': path.join(__dirname, 'libs/syscall-table/src/index.ts'),
    '^@syscall-counter/proto$': path.join(__dirname, 'proto/src/index.ts'),
    '^@syscall-counter/test-support$': path.join(__dirname, 'libs/test-support/src/index.ts'),
  },
};
