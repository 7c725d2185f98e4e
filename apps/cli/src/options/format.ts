import { Command, Option } from 'commander';
import { terminalWidth } from '../render/fit';
import { useColor } from './color';

/** What a command prints: a table for people, CSV or JSON for programs. -o is the format, as in the agent. */
export type Format = 'table' | 'csv' | 'json';

/** What export writes: no tables. */
export type FileFormat = Exclude<Format, 'table'>;

/** How a table is drawn for a person (CSV and JSON ignore it: always exact, UTC, whole). */
export interface Display {
  color: boolean;
  /** Columns a line may take (long ids and paths are cut in the middle); undefined: no limit. */
  width?: number;
  /** Exact counts and durations instead of 12.3k and 3.4 ms. */
  exact: boolean;
  /** Times in UTC instead of local time. */
  utc: boolean;
}

/** Exact, UTC, uncoloured, no width limit: files and programs. */
export const PLAIN_DISPLAY: Display = { color: false, exact: true, utc: true };

export interface DisplayOpts {
  wide?: boolean;
  exact?: boolean;
  utc?: boolean;
}

/** -o and the table's --wide, --exact, --utc. */
export function withFormat(cmd: Command): Command {
  cmd.addOption(
    new Option('-o, --format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'),
  );
  return withDisplay(cmd);
}

/**
 * --wide, --exact, --utc: how tables show things. Times given without a zone (--since 2026-11-24
 * 10:00) are read as local time, with or without --utc.
 */
export function withDisplay(cmd: Command): Command {
  cmd
    .option('--wide', 'tables: show long ids and paths whole (default: cut in the middle to fit the terminal)')
    .option('--exact', 'tables: exact counts and durations (default: 12.3k, 3.4 ms; CSV and JSON are always exact)');
  return withUtc(cmd);
}

/** --utc: times shown in UTC; CSV and JSON are in UTC (ISO 8601) always. */
export function withUtc(cmd: Command): Command {
  return cmd.option(
    '--utc',
    'show times in UTC (default: local time, with its zone); times typed without a zone are local time either way',
  );
}

/** The table style of a command's flags: colour, the terminal's width (or --wide), --exact, --utc. */
export function displayOf(opts: DisplayOpts, cmd: Command): Display {
  return { color: useColor(cmd), width: terminalWidth(!!opts.wide), exact: !!opts.exact, utc: !!opts.utc };
}

export function withFileFormat(cmd: Command): Command {
  return cmd.addOption(new Option('-o, --format <format>', 'file format').choices(['csv', 'json']).default('csv'));
}
