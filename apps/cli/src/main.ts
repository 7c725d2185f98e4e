#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { allCommands } from './commands';
import { CliError } from './errors';
import { expandRunPrefix } from './queries/run-prefix';
import { printable } from './render/escape';

function buildProgram(): Command {
  const program = new Command('syscall-counter')
    .description('Fleet-wide Linux system-call profiler built on eBPF')
    .version('0.1.0')
    .option('--no-color', 'never colour the output')
    .showHelpAfterError('(add --help for usage)')
    // Every command's --run takes a unique prefix of a run id.
    .hook('preAction', expandRunPrefix);
  for (const cmd of allCommands()) program.addCommand(cmd);
  return program;
}

/** Runs the command line; resolves to the exit status (0, 1 for a failure, 2 for a usage error). */
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
    // Commander has printed its own message (or the help, or the version).
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (!(e instanceof CliError)) throw e;
    // The message may quote what the server or a flag said (a host id, a run id): inert, line by line.
    const lines = e.message.split('\n').map((l) => printable(l));
    process.stderr.write(`syscall-counter: ${lines.join('\n')}\n`);
    return e.exitCode;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => (process.exitCode = code));
}
