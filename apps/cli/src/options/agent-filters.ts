import { Command } from 'commander';
import { positiveInt } from './numbers';

/** Filters the agent applies in the kernel, for the commands that run it once on this host. */
export interface AgentFilterOpts {
  duration: number;
  pid?: number;
  comm?: string;
  syscall?: string;
}

export function withAgentFilters(cmd: Command): Command {
  return cmd
    .option('-d, --duration <sec>', 'seconds to collect (unless a command is given after --)', positiveInt, 3)
    .option('-p, --pid <pid>', 'only this process', positiveInt)
    .option('--comm <name>', 'only processes with this name')
    .option('--syscall <names>', 'only these syscalls (comma-separated names or numbers)')
    .argument('[command...]', 'run this command and count only it and its children (put it after --)');
}

/** The agent's argv for the filters, a duration or the command to follow. */
export function agentFilterArgs(opts: AgentFilterOpts, command: string[]): string[] {
  const argv: string[] = [];
  if (opts.pid) argv.push('-p', String(opts.pid));
  if (opts.comm) argv.push('--comm', opts.comm);
  if (opts.syscall) argv.push('--syscall', opts.syscall);
  if (command.length) argv.push('--', ...command);
  else argv.push('-d', String(opts.duration));
  return argv;
}
