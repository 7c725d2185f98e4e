// Lint fixture, never built or run: application code (not a test file) importing the test
// kit must fail lint (type:test-support). tools/test/boundaries.e2e.spec.ts checks it.
import { freePort } from '@syscall-counter/test-support';

export const forbidden = freePort;
