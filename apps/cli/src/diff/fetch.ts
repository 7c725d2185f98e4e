import { Command, Option } from 'commander';
import { DiffResponse, GroupBy, Scope } from '@syscall-counter/proto';
import { Arch } from '@syscall-counter/syscall-table';
import { CliError, usageError } from '../errors';
import { ConnOpts } from '../options/connection';
import { positiveInt } from '../options/numbers';
import { breakdownOf, DetailOpts, detailFrom, detailText } from '../options/scope';
import { QueryClient } from '../queries/client';
import { withClient } from '../queries/connect';
import { warnExpired } from '../render/expired-notice';
import { resolveRunIds } from '../queries/run-prefix';
import { archOf, resolveSyscall } from '../syscalls';
import { formatTime } from '../time-window';
import { compare, Comparison, DiffBy } from './compare';
import { parseSide } from './side-spec';

export interface DiffOpts extends ConnOpts, DetailOpts {
  arch?: Arch;
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

/** Compares sides @a and @b (RUN_ID, HOST@SINCE..UNTIL or @SINCE..UNTIL); a side without data is an error. */
export async function fetchDiff(a: string, b: string, opts: DiffOpts): Promise<DiffResult> {
  const by = opts.by ?? 'syscall';
  breakdownOf(by, opts);
  if (opts.syscall !== undefined && by === 'syscall')
    throw usageError('--syscall drills down a diff --by process or --by container');
  const syscallNr = opts.syscall === undefined ? undefined : resolveSyscall(opts.syscall, opts.arch);
  const detail = detailFrom(opts);
  const sideA = parseSide(a);
  const sideB = parseSide(b);
  const resp = await withClient(opts, async (c) => {
    await wholeRunIds(c, [sideA, sideB]);
    return c.diff({
      a: { ...sideA.scope, ...detail },
      b: { ...sideB.scope, ...detail },
      by: DIFF_GROUP[by],
      syscallNr,
    });
  });
  warnExpired(resp.expired);
  requireData(resp.a, sideA, opts);
  requireData(resp.b, sideB, opts);
  return { comparison: compare(resp, nameTableOf(resp, opts.arch), by), labels: { a: sideA.label, b: sideB.label } };
}

/** RUN_A and RUN_B may be unique prefixes of run ids (the 8 characters a local top prints), as --run. */
async function wholeRunIds(c: QueryClient, sides: Array<{ scope: Scope; label: string }>): Promise<void> {
  const runSides = sides.filter((s) => s.scope.runId);
  const ids = await resolveRunIds(
    c,
    runSides.map((s) => s.scope.runId),
  );
  runSides.forEach((s, i) => {
    s.scope.runId = ids[i];
    s.label = `run ${ids[i]}`;
  });
}

function requireData(side: DiffResponse['a'], spec: { label: string; scope: Scope }, opts: DetailOpts): void {
  if (side && side.total !== '0') return;
  const what = detailText(opts);
  const window = spec.scope.runId
    ? ''
    : ` (between ${formatTime(spec.scope.sinceUnixMs)} and ${formatTime(spec.scope.untilUnixMs)})`;
  throw new CliError(`no data for ${spec.label}${what ? `, ${what}` : ''}${window}`);
}

/** --arch, else the sides' own table when both have the same one. */
function nameTableOf(resp: DiffResponse, flag: Arch | undefined): Arch | undefined {
  if (flag) return flag;
  return resp.a?.arch && resp.a.arch === resp.b?.arch ? archOf(resp.a.arch) : undefined;
}
