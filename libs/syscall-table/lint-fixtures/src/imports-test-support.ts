// Lint fixture, never built or run: library code importing the test kit must fail lint
// (type:lib). tools/test/boundaries.e2e.spec.ts checks it.
import { ROOT } from '@syscall-counter/test-support';

export const forbidden = ROOT;
