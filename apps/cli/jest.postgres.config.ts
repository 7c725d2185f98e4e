import base from './jest.config';

/**
 * Every CLI spec that queries a control plane (history, diff, series, breakdowns, seccomp from
 * history, the agent-to-CLI pipeline, TLS, ...) again against control planes on PostgreSQL
 * (issue 12): about 90 s more. The specs of the embedded `top` and of the agent alone (no control
 * plane) run once, in jest.config.ts.
 */
const QUERIES_A_CONTROL_PLANE = [
  'breakdowns',
  'final-read',
  'history',
  'history-habits',
  'local-source',
  'output-safety',
  'pipeline',
  'readable-output',
  'run-prefix',
  'seccomp-history',
  'tls',
];

export default {
  ...base,
  displayName: 'cli (postgres)',
  testMatch: [`<rootDir>/test/{${QUERIES_A_CONTROL_PLANE.join(',')}}.e2e.spec.ts`],
  globalSetup: '<rootDir>/../../libs/test-support/src/pg-global-setup.ts',
  globalTeardown: '<rootDir>/../../libs/test-support/src/pg-global-teardown.ts',
};
