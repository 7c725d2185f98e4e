import { Command, Option } from 'commander';
import logUpdate from 'log-update';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { relative } from 'node:path';
import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { Arch, errnoName, parseArch, syscallName, syscallNumber } from '@syscall-counter/syscall-table';
import { EmbeddedControlPlane, startEmbedded } from '../embedded';
import { CliError } from '../errors';
import { startStreaming, StreamingAgent } from '../local-agent';
import { withTimedProgress } from '../progress';
import { QueryClient } from '../query-client';
import { renderCsv } from '../render/grid';
import { renderGrouped, renderTop, sortRows, TopRow } from '../render/top-table';
import { resolveSettings } from '../settings';
import { formatTime, parseDuration, spanSeconds, windowText } from '../time-window';
import { clientFor, ConnOpts } from './connection';
import { Format, positiveInt, useColor, withConnection } from './options';
import { breakdownOf, detailText, hasScope, ScopeOpts, scopeFrom, withScope } from './scope-options';
import { rowNr } from '../wire-nr';

export type By = 'syscall' | 'host' | 'run' | 'process' | 'container' | 'errno';

export interface TopOpts extends ConnOpts, ScopeOpts {
  top: number;
  duration: number;
  arch?: string;
  by: By;
  format: Format;
  watch?: boolean;
  refresh: number;
  window?: string;
  frames?: number;
  syscall?: string;
  failed?: boolean;
}

const GROUP: Record<By, GroupBy> = {
  syscall: GroupBy.GROUP_BY_SYSCALL,
  host: GroupBy.GROUP_BY_HOST,
  run: GroupBy.GROUP_BY_RUN,
  process: GroupBy.GROUP_BY_PROCESS,
  container: GroupBy.GROUP_BY_CONTAINER,
  errno: GroupBy.GROUP_BY_ERRNO,
};

const PLURAL: Record<By, string> = {
  syscall: 'syscalls',
  host: 'hosts',
  run: 'runs',
  process: 'processes',
  container: 'containers',
  errno: 'errnos',
};

export function topCommand(): Command {
  return withConnection(
    withScope(
      new Command('top')
        .description('the busiest system calls: SYSCALL# | NAME | COUNT | RATE/s | %')
        .option('-n, --top <n>', 'how many rows to show', positiveInt, 15)
        .option('-d, --duration <sec>', 'without a control plane: seconds to collect on this host', positiveInt, 3),
    )
      .addOption(
        new Option(
          '--by <what>',
          'group rows by (process: runs streamed with agent -P; container: with agent -C; errno: with --failed)',
        )
          .choices(['syscall', 'host', 'run', 'process', 'container', 'errno'])
          .default('syscall'),
      )
      .option('--failed', 'count only the calls that failed (runs streamed with agent --errors)')
      .option('--syscall <name|nr>', 'drill down: only this syscall (with --by process|container|host|run)')
      .option('--arch <arch>', 'name syscalls with this table (x86_64, arm64); default: the hosts’ own')
      .option('-w, --watch', 'refresh in place like top(1) until Ctrl-C')
      .option('--refresh <sec>', 'with --watch: seconds between refreshes', positiveInt, 2)
      .option(
        '--window <duration>',
        'with --watch: what each refresh covers (default 5s on this host, 1m with a control plane)',
      )
      .option('--frames <n>', 'with --watch: stop after this many refreshes', positiveInt),
  )
    .addHelpText(
      'after',
      `
Without a control plane (no --server, SYSCALL_COUNTER_SERVER or config file), top starts
an embedded one with the SQLite file ./data/syscall-counter.db, runs a local agent
against it for --duration seconds, and prints the result of a query to it.

Examples:
  $ syscall-counter top                                   # 3 s on this host, top 15
  $ syscall-counter top -d 10 -n 30                       # 10 s, top 30
  $ syscall-counter top -w                                # live view of this host
  $ syscall-counter top --by process --syscall futex      # which processes call futex (here, 3 s)
  $ syscall-counter top --by container                    # containers and systemd units (here, 3 s)
  $ syscall-counter top --failed --by errno --syscall openat  # why openat fails (here, 3 s)
  $ syscall-counter top --comm nginx                      # what nginx calls (here, 3 s)
  $ syscall-counter top --server cp:50051 --token-file t --container docker:3f2a9c1b7d4e --since 1h
  $ syscall-counter top --server cp:50051 --token-file t  # fleet-wide, all history
  $ syscall-counter top --server cp:50051 --token-file t --host web-1 --since 1h
  $ syscall-counter top --server cp:50051 --token-file t --by host --since 24h
  $ syscall-counter top --server cp:50051 --token-file t -w --window 5m`,
    )
    .action(async (opts: TopOpts, cmd: Command) => {
      const arch = opts.arch ? parseArch(opts.arch) : undefined;
      const scope = scopeFrom(opts);
      const syscallNr = opts.syscall === undefined ? undefined : resolveSyscall(opts.syscall, arch);
      const settings = resolveSettings(opts);
      const color = useColor(cmd);
      const breakdown = breakdownOf(opts.by, opts);
      if (opts.by === 'errno' && !opts.failed) throw new CliError('--by errno goes with --failed', 2);
      if (opts.failed && breakdown)
        throw new CliError('failed calls are counted per host (agent --errors), not per process or container', 2);
      if (!settings.server && hasScope(opts)) {
        throw new CliError(
          '--host, --run, --since and --until query a control plane: add --server (or set SYSCALL_COUNTER_SERVER)',
          2,
        );
      }
      const server = settings.server;
      const remote = server ? () => clientFor({ ...settings, server }) : undefined;
      if (opts.watch) return watch(opts, remote, arch, color, breakdown);
      if (remote) {
        const resp = await queryTop(remote(), scope, opts.by, syscallNr, opts.failed);
        process.stdout.write(renderTopResponse(resp, opts, describeScope(scope, resp, opts.failed), arch, color));
        return;
      }
      const cp = await startEmbedded();
      const runId = randomUUID();
      let resp: TopResponse;
      try {
        const agent = startStreaming({
          server: cp.address,
          tokenFile: cp.tokenFile,
          runId,
          seconds: opts.duration,
          breakdown,
          errors: opts.failed,
        });
        await withTimedProgress('Collecting syscalls on this host', opts.duration, agent.done);
        resp = await queryTop(
          new QueryClient(cp.address, cp.token),
          { ...scope, runId },
          opts.by,
          syscallNr,
          opts.failed,
        );
      } finally {
        await cp.stop();
      }
      const what =
        opts.by === 'errno' ? 'Failed calls by errno' : `Busiest ${opts.failed ? 'failing ' : ''}${PLURAL[opts.by]}`;
      const title = `${what}${detailText(opts) ? ` (${detailText(opts)})` : ''} on ${hostname()} over ${seconds(resp).toFixed(1)} s (run ${runId.slice(0, 8)}, stored in ${relative(process.cwd(), cp.dbPath) || cp.dbPath})`;
      process.stdout.write(renderTopResponse(resp, opts, title, arch, color));
    });
}

/** --syscall: a name of the table in use (x86_64 unless --arch), or a number. */
export function resolveSyscall(value: string, arch: Arch | undefined): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  const nr = syscallNumber(arch ?? 'x86_64', value);
  if (nr === undefined)
    throw new CliError(`unknown syscall '${value}' for ${arch ?? 'x86_64'} (pass --arch, or a number)`, 2);
  return nr;
}

/** One Top query; closes the client. */
export async function queryTop(
  client: QueryClient,
  scope: Scope,
  by: By,
  syscallNr?: number,
  failed = false,
): Promise<TopResponse> {
  try {
    return await client.top({ scope, by: GROUP[by], limit: 0, syscallNr, failed });
  } finally {
    client.close();
  }
}

/** Refreshes in place until Ctrl-C (or --frames): against a control plane, or an embedded one fed by a local agent. */
async function watch(
  opts: TopOpts,
  remote: (() => QueryClient) | undefined,
  arch: Arch | undefined,
  color: boolean,
  breakdown: 'process' | 'container' | undefined,
): Promise<void> {
  let stopped = false;
  let wake: () => void = () => undefined;
  const stop = () => {
    stopped = true;
    wake();
  };
  // on, not once: log-update's signal-exit re-raises the signal if it finds itself the only listener.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const windowMs = parseDuration(opts.window ?? (remote ? '1m' : '5s'), '--window');
  let cp: EmbeddedControlPlane | undefined;
  let agent: StreamingAgent | undefined;
  const runId = randomUUID();
  const tty = process.stdout.isTTY === true;
  let agentError: unknown;
  try {
    if (!remote) {
      cp = await startEmbedded();
      agent = startStreaming({ server: cp.address, tokenFile: cp.tokenFile, runId, breakdown, errors: opts.failed });
      agent.done.then(
        () => undefined,
        (e: unknown) => {
          agentError = e;
          stop();
        },
      );
    }
    const client = remote ?? (() => new QueryClient(cp!.address, cp!.token));
    const where = remote ? (opts.run ? `run ${opts.run}` : opts.host ? `host ${opts.host}` : 'fleet-wide') : hostname();
    for (let frame = 1; !stopped; frame++) {
      const now = Date.now();
      const scope: Scope = {
        ...scopeFrom(opts, now),
        sinceUnixMs: String(now - windowMs),
        untilUnixMs: '0',
        ...(remote ? {} : { runId }),
      };
      let resp: TopResponse | undefined;
      try {
        resp = await queryTop(
          client(),
          scope,
          opts.by,
          opts.syscall === undefined ? undefined : resolveSyscall(opts.syscall, arch),
          opts.failed,
        );
      } catch (e) {
        // The local agent's run exists once its hello arrived: until then there is nothing to show.
        if (remote || !(e instanceof CliError && e.message.startsWith('unknown run'))) throw e;
      }
      const title = `${where}, last ${windowMs / 1000} s, at ${formatTime(now)} (every ${opts.refresh} s; Ctrl-C quits)`;
      const text = resp?.rows.length
        ? renderTopResponse(resp, { ...opts, format: 'table' }, title, arch, color)
        : `${title}\nwaiting for data...\n`;
      if (tty) logUpdate(text.trimEnd());
      else process.stdout.write(text + '\n');
      if (opts.frames && frame >= opts.frames) break;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, opts.refresh * 1000);
      });
    }
  } finally {
    if (tty) logUpdate.done();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (agent) {
      agent.stop();
      await agent.done.catch(() => undefined);
    }
    if (cp) await cp.stop();
  }
  if (agentError) throw agentError;
}

function seconds(resp: TopResponse): number {
  return spanSeconds(resp.firstUnixMs, resp.lastUnixMs);
}

export function describeScope(scope: Scope, resp: TopResponse, failed = false): string {
  const where = scope.runId ? `run ${scope.runId}` : scope.hostId ? `host ${scope.hostId}` : 'fleet-wide';
  const detail = detailText({
    pid: scope.pid || undefined,
    comm: scope.comm || undefined,
    container: scope.container || undefined,
  });
  const what = detail ? `${where}, ${detail}` : where;
  if (resp.rows.length === 0)
    throw new CliError(`no data for ${what} ${windowText(scope.sinceUnixMs, scope.untilUnixMs)}`);
  return `Busiest ${failed ? 'failing ' : ''}syscalls, ${what}, ${formatTime(resp.firstUnixMs)} – ${formatTime(resp.lastUnixMs)} (${seconds(resp).toFixed(1)} s)`;
}

/** Rows named with the requested table, else the hosts' own (hosts of mixed arches need --arch). */
export function namedRows(resp: TopResponse, arch: Arch | undefined): { rows: TopRow[]; table: Arch | undefined } {
  const table = arch ?? (resp.arch ? parseArch(resp.arch) : undefined);
  const name = (nr: number) => (table ? syscallName(table, nr) : `syscall_${nr}`);
  return {
    rows: sortRows(
      resp.rows.map((r) => ({
        nr: rowNr(r.nr),
        name: rowNr(r.nr) === null ? 'other' : name(r.nr),
        count: BigInt(r.count),
      })),
    ),
    table,
  };
}

export function renderTopResponse(
  resp: TopResponse,
  opts: Pick<TopOpts, 'by' | 'format' | 'top'>,
  title: string,
  arch: Arch | undefined,
  color: boolean,
): string {
  const text = renderTopBody(resp, opts, title, arch, color);
  const lost = BigInt(resp.unattributed || '0');
  if (opts.format !== 'table' || lost === 0n) return text;
  const what = opts.by === 'container' ? 'cgroup' : 'process';
  const note =
    opts.by === 'process' || opts.by === 'container'
      ? `Unattributed: ${lost} calls (all syscalls) found the agents' per-${what} map full (agent --proc-entries); they are in "other".`
      : `Unattributed: ${lost} calls in this window found an agent's per-process or per-cgroup map full: the counts above are a lower bound.`;
  return text + note + '\n';
}

/** Groupings whose rows carry a label: key and label columns (CSV/JSON names; upper case in tables). */
const LABELLED: Partial<
  Record<
    By,
    {
      columns: [string, string];
      numericKey: boolean;
      unattributed: boolean;
      row: (r: TopResponse['rows'][number]) => { key: string; label: string };
    }
  >
> = {
  process: {
    columns: ['pid', 'comm'],
    numericKey: true,
    unattributed: true,
    row: (r) => ({ key: r.key, label: r.label }),
  },
  errno: {
    columns: ['errno', 'name'],
    numericKey: true,
    unattributed: false,
    row: (r) => ({ key: r.key, label: errnoName(Number(r.key)) }),
  },
  // The calls of cgroups outside each interval's top K come back with an empty key.
  container: {
    columns: ['container', 'cgroup'],
    numericKey: false,
    unattributed: true,
    row: (r) => ({ key: r.key || 'other', label: r.key ? r.label : '' }),
  },
};

function renderTopBody(
  resp: TopResponse,
  opts: Pick<TopOpts, 'by' | 'format' | 'top'>,
  title: string,
  arch: Arch | undefined,
  color: boolean,
): string {
  const secs = seconds(resp);
  const labelled = LABELLED[opts.by];
  if (labelled) {
    const rows = resp.rows.map((r) => ({ ...labelled.row(r), count: BigInt(r.count) }));
    const [keyCol, labelCol] = labelled.columns;
    if (opts.format === 'csv')
      return renderCsv(
        [keyCol, labelCol, 'count'],
        rows.map((r) => [r.key, r.label, r.count.toString()]),
      );
    if (opts.format === 'json') {
      const json = rows.map((r) => ({
        [keyCol]: labelled.numericKey ? Number(r.key) : r.key,
        [labelCol]: r.label,
        count: r.count.toString(),
      }));
      return (
        JSON.stringify(
          {
            by: opts.by,
            seconds: secs,
            total: resp.total,
            ...(labelled.unattributed ? { unattributed: resp.unattributed } : {}),
            rows: json,
          },
          null,
          2,
        ) + '\n'
      );
    }
    return renderGrouped(title, keyCol.toUpperCase(), rows, secs, opts.top, color, labelCol.toUpperCase());
  }
  if (opts.by !== 'syscall') {
    const rows = resp.rows.map((r) => ({ key: r.key, count: BigInt(r.count) }));
    if (opts.format === 'csv')
      return renderCsv(
        [opts.by, 'count'],
        rows.map((r) => [r.key, r.count.toString()]),
      );
    if (opts.format === 'json')
      return (
        JSON.stringify(
          {
            by: opts.by,
            seconds: secs,
            total: resp.total,
            rows: rows.map((r) => ({ key: r.key, count: r.count.toString() })),
          },
          null,
          2,
        ) + '\n'
      );
    return renderGrouped(title, opts.by.toUpperCase(), rows, secs, opts.top, color);
  }
  const { rows, table } = namedRows(resp, arch);
  if (opts.format === 'csv') {
    return renderCsv(
      ['syscall_nr', 'name', 'count'],
      rows.map((r) => [r.nr === null ? '' : String(r.nr), r.name, r.count.toString()]),
    );
  }
  if (opts.format === 'json') {
    return (
      JSON.stringify(
        {
          arch: table ?? null,
          seconds: secs,
          first: formatTime(resp.firstUnixMs),
          last: formatTime(resp.lastUnixMs),
          total: resp.total,
          syscalls: rows.map((r) => ({ nr: r.nr, name: r.name, count: r.count.toString() })),
        },
        null,
        2,
      ) + '\n'
    );
  }
  return renderTop({ title, seconds: secs, rows, top: opts.top, color });
}
