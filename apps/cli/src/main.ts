#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { diffCommand } from './commands/diff';
import { errorsCommand } from './commands/errors';
import { latencyCommand } from './commands/latency';
import { exportCommand } from './commands/export';
import { hostsCommand, runsCommand } from './commands/hosts';
import { plotCommand } from './commands/plot';
import { topCommand } from './commands/top';
import { CliError } from './errors';

export function buildProgram(): Command {
  return new Command('syscall-counter')
    .description('Fleet-wide Linux system-call profiler built on eBPF')
    .version('0.1.0')
    .option('--no-color', 'never colour the output')
    .showHelpAfterError('(add --help for usage)')
    .addCommand(topCommand())
    .addCommand(hostsCommand())
    .addCommand(runsCommand())
    .addCommand(diffCommand())
    .addCommand(exportCommand())
    .addCommand(plotCommand())
    .addCommand(latencyCommand())
    .addCommand(errorsCommand());
}

export async function main(argv: string[]): Promise<number> {
  // grpc-js passes an IP address as the TLS server name, which Node reports as deprecated
  // (DEP0123) on every TLS connection to an address like 10.0.0.5: noise, not a user problem.
  process.noDeprecation = true;
  const program = buildProgram();
  // Subcommands added with addCommand() do not inherit exitOverride: set it on each.
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      process.stderr.write(`syscall-counter: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof Error && /unknown architecture/.test(e.message)) {
      process.stderr.write(`syscall-counter: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => (process.exitCode = code));
}
