import { AgentFilterOpts, agentFilterArgs } from '../options/agent-filters';
import { withTimedProgress } from '../progress';
import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { runReport } from './agent';

/**
 * Runs the agent once with @mode (--errors, --latency, or both) and the filters; its JSON report
 * and what it covered.
 */
export async function reportOnce<T>(
  mode: string | string[],
  opts: AgentFilterOpts,
  command: string[],
  progress: string,
): Promise<{ doc: T; where: string }> {
  const run = runReport([...[mode].flat(), '-o', 'json', ...agentFilterArgs(opts, command)]);
  const out = command.length ? await run : await withTimedProgress(progress, opts.duration, run);
  return {
    doc: JSON.parse(out) as T,
    where: command.length ? `'${command.join(' ')}'` : `this host, ${opts.duration} s`,
  };
}

/** The agent's JSON reports give the other bucket "nr": null; rows here carry the wire's number for it. */
export function reportNr(nr: number | null): number {
  return nr ?? SYSCALL_NR_OTHER;
}
