#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { hostsCommand, runsCommand } from './commands/hosts';
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
    .addCommand(runsCommand());
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Subcommands added with addCommand() do not inherit exitOverride: set it on each.
  for (const cmd of [program, ...program.commands]) cmd.exitOverride();
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
