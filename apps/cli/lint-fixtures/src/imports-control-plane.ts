// Lint fixture, never built or run: CLI code importing the control plane must fail lint
// (@nx/enforce-module-boundaries, scope:cli). tools/test/boundaries.e2e.spec.ts checks it.
import * as controlPlane from '@syscall-counter/control-plane';

export const forbidden = controlPlane;
