import { spawnSync } from 'node:child_process';
import { AGENT } from './paths';
import { ProcessResult, RunningProcess, spawnCollecting, waitForOutput } from './processes';

/** What the agent prints on stderr once its BPF program is attached and counting. */
export const AGENT_READY = 'Tracing syscalls';

export type AgentResult = ProcessResult;

/** Runs the agent to the end (a `-- CMD` workload, `-d`, or a usage error). */
export function runAgent(args: string[]): AgentResult {
  const r = spawnSync(AGENT, args, { encoding: 'utf8', timeout: 90000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the agent in the background without waiting: streaming runs may print nothing. */
export function spawnAgent(args: string[]): RunningProcess {
  return spawnCollecting(AGENT, args);
}

/** Starts the agent in the background and resolves once its program is attached. */
export async function startAgent(args: string[]): Promise<RunningProcess> {
  const agent = spawnAgent(args);
  await waitForOutput(agent.proc, 'stderr', AGENT_READY, 'the agent');
  return agent;
}
