import { Command, InvalidArgumentError, Option } from 'commander';

/** A count, size or id from a flag: commander reports a bad one as a usage error naming the flag. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/**
 * -n, --top: how many rows a table shows (or syscalls a chart or series draws). -T N is the same,
 * as in the agent and syscount (commander takes one short flag per option: -T sets --top).
 */
export function withTopN(
  cmd: Command,
  fallback = 15,
  help = 'how many rows a table shows (CSV and JSON have every row; also -T N)',
): Command {
  cmd.option('-n, --top <n>', help, positiveInt, fallback);
  cmd.addOption(new Option('-T <n>', 'the same as -n').hideHelp().argParser(positiveInt));
  return cmd.on('option:T', (value: string) => cmd.setOptionValueWithSource('top', positiveInt(value), 'cli'));
}
