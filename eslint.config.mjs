import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Test files: unit specs next to the code they test, and a project's e2e test folder
// (apps/*/test, agent/tests/e2e, tools/test). Only these may import the test kit.
const TEST_FILES = ['**/*.spec.ts', '**/test/**/*.ts', '**/tests/**/*.ts', '**/jest.config.ts'];

// Apps use libraries, never each other; libraries never reach into apps. The test kit
// (type:test-support) is a library for test files only: see the two blocks below.
function boundaries({ tests }) {
  const libs = tests ? ['type:lib', 'type:test-support'] : ['type:lib'];
  const depConstraints = [
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: libs },
    { sourceTag: 'type:test-support', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:control-plane', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
  ];
  if (!tests) depConstraints.push({ sourceTag: '*', notDependOnLibsWithTags: ['type:test-support'] });
  return ['error', { allow: [], depConstraints }];
}

export default [
  // lint-fixtures hold forbidden imports on purpose: tools/test/boundaries.e2e.spec.ts lints them.
  { ignores: ['**/dist', '**/generated', '**/node_modules', '**/.output', '**/lint-fixtures'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ tests: false }),
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // CommonJS scripts (jest.preset.js, bin launchers) load with require().
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ tests: true }),
    },
  },
];
