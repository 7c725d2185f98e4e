import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { CLI_MAIN, ROOT } from './paths';
import { RunningProcess, spawnCollecting } from './processes';

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/** No config file: only flags and the given environment count. */
const cliEnv = (env: Record<string, string> = {}) => ({
  ...process.env,
  SYSCALL_COUNTER_CONFIG: '/nonexistent',
  ...env,
});

/** Runs the built CLI to the end. */
export function cli(args: string[], opts: CliOptions = {}): SpawnSyncReturns<string> {
  return spawnSync('node', [CLI_MAIN, ...args], {
    encoding: 'utf8',
    timeout: 60000,
    cwd: opts.cwd ?? ROOT,
    env: cliEnv(opts.env),
  });
}

/** Starts the built CLI in the background (e.g. `top -d`, while a workload runs). */
export function spawnCli(args: string[], opts: CliOptions = {}): RunningProcess {
  return spawnCollecting('node', [CLI_MAIN, ...args], { cwd: opts.cwd ?? ROOT, env: cliEnv(opts.env) });
}
