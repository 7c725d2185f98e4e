import { Command } from 'commander';
import { DiffResponse } from '@syscall-counter/proto';
import { Arch, parseArch, syscallName } from '@syscall-counter/syscall-table';
import { compare, Comparison } from '../diff/compare';
import { parseSide } from '../diff/side-spec';
import { CliError } from '../errors';
import { diffCsv, diffJson, diffTable } from '../render/diff-table';
import { formatTime } from '../time-window';
import { ConnOpts, withClient } from './connection';
import { Format, positiveInt, useColor, withConnection } from './options';

interface DiffOpts extends ConnOpts {
  top: number;
  arch?: string;
  format: Format;
}

export interface DiffResult {
  comparison: Comparison;
  labels: { a: string; b: string };
}

export async function fetchDiff(a: string, b: string, opts: DiffOpts): Promise<DiffResult> {
  const sideA = parseSide(a);
  const sideB = parseSide(b);
  const resp = await withClient(opts, (c) => c.diff({ a: sideA.scope, b: sideB.scope }));
  for (const [side, label, scope] of [
    [resp.a, sideA.label, sideA.scope],
    [resp.b, sideB.label, sideB.scope],
  ] as const) {
    if (!side || side.total === '0') {
      throw new CliError(`no data for ${label}${scope.runId ? '' : ` (between ${formatTime(scope.sinceUnixMs)} and ${formatTime(scope.untilUnixMs)})`}`);
    }
  }
  return { comparison: compare(resp, namer(resp, opts.arch)), labels: { a: sideA.label, b: sideB.label } };
}

function namer(resp: DiffResponse, archFlag?: string): (nr: number) => string {
  let arch: Arch | undefined = archFlag ? parseArch(archFlag) : undefined;
  if (!arch && resp.a?.arch && resp.a.arch === resp.b?.arch) arch = parseArch(resp.a.arch);
  return (nr) => (arch ? syscallName(arch, nr) : `syscall_${nr}`);
}

export function renderDiff(r: DiffResult, format: Format, top: number, color: boolean): string {
  if (format === 'csv') return diffCsv(r.comparison);
  if (format === 'json') return diffJson(r.comparison, r.labels);
  return diffTable(r.comparison, r.labels, top, color);
}

export function diffCommand(): Command {
  return withConnection(
    new Command('diff')
      .description('compare two runs or two windows: per-syscall rates, absolute and relative change, new and vanished syscalls')
      .argument('<A>', 'the baseline: RUN_ID, HOST@SINCE..UNTIL or @SINCE..UNTIL (fleet)')
      .argument('<B>', 'what to compare with it (same forms)')
      .option('-n, --top <n>', 'how many rows to show', positiveInt, 15)
      .option('--arch <arch>', 'name syscalls with this table (x86_64, arm64); default: the hosts’ own'),
  )
    .addHelpText(
      'after',
      `
Rows are sorted by the size of the change in calls per second, so sides of different
lengths compare fairly; counts are shown too (exact, for runs of the same workload).
SINCE/UNTIL: a duration back from now (48h, 90m) or a timestamp; UNTIL defaults to now.

Examples:
  $ syscall-counter diff 3f2a9c1e-... 7b04d2aa-...          # two runs (ids from 'syscall-counter runs')
  $ syscall-counter diff web-1@48h..24h web-1@24h           # yesterday vs today on web-1
  $ syscall-counter diff @2026-11-23T10:00Z..2026-11-23T11:00Z @1h --format csv`,
    )
    .action(async (a: string, b: string, opts: DiffOpts, cmd: Command) => {
      process.stdout.write(renderDiff(await fetchDiff(a, b, opts), opts.format, opts.top, useColor(cmd)));
    });
}
