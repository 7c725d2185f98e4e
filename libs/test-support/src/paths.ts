import { join, resolve } from 'node:path';

/** The repository root: tests run the built programs in place. */
export const ROOT = resolve(__dirname, '../../..');
export const AGENT = join(ROOT, 'agent/syscall-counter-agent');
/** The agent's test workload (agent/tests/workload.c): known numbers of known syscalls. */
export const WORKLOAD = join(ROOT, 'agent/.output/workload');
export const CLI_MAIN = join(ROOT, 'apps/cli/dist/main.js');
export const CONTROL_PLANE_MAIN = join(ROOT, 'apps/control-plane/dist/main.js');
