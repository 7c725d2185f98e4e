import { Command, InvalidArgumentError } from 'commander';

/** A count, size or id from a flag: commander reports a bad one as a usage error naming the flag. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** -n, --top: how many rows a table shows (or syscalls a chart or series draws). */
export function withTopN(cmd: Command, fallback = 15, help = 'how many rows to show'): Command {
  return cmd.option('-n, --top <n>', help, positiveInt, fallback);
}
