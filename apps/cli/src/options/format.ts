import { Command, Option } from 'commander';

/** What a command prints: a table for people, CSV or JSON for programs. -o is the format, as in the agent. */
export type Format = 'table' | 'csv' | 'json';

/** What export writes: no tables. */
export type FileFormat = Exclude<Format, 'table'>;

export function withFormat(cmd: Command): Command {
  return cmd.addOption(
    new Option('-o, --format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
  );
}

export function withFileFormat(cmd: Command): Command {
  return cmd.addOption(new Option('-o, --format <format>', 'file format').choices(['csv', 'json']).default('csv'));
}
