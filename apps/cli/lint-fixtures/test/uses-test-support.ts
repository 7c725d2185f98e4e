// Lint fixture, never built or run: a test file may import the test kit; this one must pass
// lint. tools/test/boundaries.e2e.spec.ts checks it.
import { freePort } from '@syscall-counter/test-support';

export const allowed = freePort;
