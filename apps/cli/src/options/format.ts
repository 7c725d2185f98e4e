import { Command, Option } from 'commander';

/** What a command prints: a table for people, CSV or JSON for programs. */
export type Format = 'table' | 'csv' | 'json';

/** What export writes: no tables. */
export type FileFormat = Exclude<Format, 'table'>;

export function withFormat(cmd: Command): Command {
  return cmd.addOption(
    new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
  );
}

export function withFileFormat(cmd: Command): Command {
  return cmd.addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'));
}
