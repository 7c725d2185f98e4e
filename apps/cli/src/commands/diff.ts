import { Command, Option } from 'commander';
import { DiffResponse, GroupBy } from '@syscall-counter/proto';
import { Arch, parseArch, syscallName } from '@syscall-counter/syscall-table';
import { compare, Comparison, DiffBy } from '../diff/compare';
import { parseSide } from '../diff/side-spec';
import { CliError } from '../errors';
import { diffCsv, diffJson, diffTable } from '../render/diff-table';
import { formatTime } from '../time-window';
import { ConnOpts, withClient } from './connection';
import { Format, positiveInt, useColor, withConnection } from './options';
import { breakdownOf, DetailOpts, detailFrom, detailText } from './scope-options';
import { resolveSyscall } from './top';

export interface DiffOpts extends ConnOpts, DetailOpts {
  top: number;
  arch?: string;
  format: Format;
  by?: DiffBy;
  syscall?: string;
}

const DIFF_GROUP: Record<DiffBy, GroupBy> = {
  syscall: GroupBy.GROUP_BY_SYSCALL,
  process: GroupBy.GROUP_BY_PROCESS,
  container: GroupBy.GROUP_BY_CONTAINER,
};

/** --by, --syscall, --pid, --comm, --container: what a diff compares (both sides alike). */
export function withDiffDetail(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--by <what>', 'compare per syscall, per process name (agent -P) or per container (agent -C)')
        .choices(['syscall', 'process', 'container'])
        .default('syscall'),
    )
    .option('--syscall <name|nr>', 'with --by process|container: only this syscall')
    .option('--pid <pid>', 'both sides: only this process (agent -P)', positiveInt)
    .option('--comm <name>', 'both sides: only processes with this name (agent -P)')
    .option('--container <id>', 'both sides: only this container, unit or cgroup path (agent -C)');
}

export interface DiffResult {
  comparison: Comparison;
  labels: { a: string; b: string };
}

export async function fetchDiff(a: string, b: string, opts: DiffOpts): Promise<DiffResult> {
  const by = opts.by ?? 'syscall';
  breakdownOf(by, opts);
  if (opts.syscall !== undefined && by === 'syscall')
    throw new CliError('--syscall drills down a diff --by process or --by container', 2);
  const syscallNr =
    opts.syscall === undefined ? undefined : resolveSyscall(opts.syscall, opts.arch ? parseArch(opts.arch) : undefined);
  const detail = detailFrom(opts);
  const sideA = parseSide(a);
  const sideB = parseSide(b);
  const resp = await withClient(opts, (c) =>
    c.diff({ a: { ...sideA.scope, ...detail }, b: { ...sideB.scope, ...detail }, by: DIFF_GROUP[by], syscallNr }),
  );
  for (const [side, label, scope] of [
    [resp.a, sideA.label, sideA.scope],
    [resp.b, sideB.label, sideB.scope],
  ] as const) {
    if (!side || side.total === '0') {
      const what = detailText(opts);
      throw new CliError(
        `no data for ${label}${what ? `, ${what}` : ''}${scope.runId ? '' : ` (between ${formatTime(scope.sinceUnixMs)} and ${formatTime(scope.untilUnixMs)})`}`,
      );
    }
  }
  return { comparison: compare(resp, namer(resp, opts.arch), by), labels: { a: sideA.label, b: sideB.label } };
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
    withDiffDetail(new Command('diff'))
      .description(
        'compare two runs or two windows: per-syscall rates, absolute and relative change, new and vanished syscalls',
      )
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
  $ syscall-counter diff @2026-11-23T10:00Z..2026-11-23T11:00Z @1h --format csv
  $ syscall-counter diff web-1@48h..24h web-1@24h --by process          # which programs changed
  $ syscall-counter diff web-1@48h..24h web-1@24h --container nginx.service
  $ syscall-counter diff RUN_A RUN_B --by container --syscall futex

--by process keys rows by process name (pids do not carry across runs or days); --by container
by container id or unit. Both need runs streamed with the agent's -P or -C.`,
    )
    .action(async (a: string, b: string, opts: DiffOpts, cmd: Command) => {
      process.stdout.write(renderDiff(await fetchDiff(a, b, opts), opts.format, opts.top, useColor(cmd)));
    });
}
