import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { relative } from 'node:path';
import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { Arch, parseArch, syscallName } from '@syscall-counter/syscall-table';
import { startEmbedded } from '../embedded';
import { CliError } from '../errors';
import { streamLocally } from '../local-agent';
import { QueryClient } from '../query-client';
import { renderCsv } from '../render/grid';
import { renderGrouped, renderTop, sortRows, TopRow } from '../render/top-table';
import { readToken, resolveSettings } from '../settings';
import { formatTime, parseTimePoint } from '../time-window';
import { Format, positiveInt, useColor, withConnection } from './options';

interface TopOpts {
  top: number;
  duration: number;
  arch?: string;
  host?: string;
  run?: string;
  since?: string;
  until?: string;
  by: 'syscall' | 'host' | 'run';
  server?: string;
  tokenFile?: string;
  format: Format;
}

const GROUP: Record<TopOpts['by'], GroupBy> = {
  syscall: GroupBy.GROUP_BY_SYSCALL,
  host: GroupBy.GROUP_BY_HOST,
  run: GroupBy.GROUP_BY_RUN,
};

export function topCommand(): Command {
  return withConnection(
    new Command('top')
      .description('the busiest system calls: SYSCALL# | NAME | COUNT | RATE/s | %')
      .option('-n, --top <n>', 'how many rows to show', positiveInt, 15)
      .option('-d, --duration <sec>', 'without a control plane: seconds to collect on this host', positiveInt, 3)
      .option('--host <id>', 'only this host')
      .option('--run <id>', 'only this run')
      .option('--since <when>', 'from this time: a duration back from now (10m, 24h) or a timestamp')
      .option('--until <when>', 'up to this time (same forms as --since)')
      .addOption(new Option('--by <what>', 'group rows by').choices(['syscall', 'host', 'run']).default('syscall'))
      .option('--arch <arch>', 'name syscalls with this table (x86_64, arm64); default: the hosts’ own'),
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
  $ syscall-counter top --server cp:50051 --token-file t  # fleet-wide, all history
  $ syscall-counter top --server cp:50051 --token-file t --host web-1 --since 1h
  $ syscall-counter top --server cp:50051 --token-file t --by host --since 24h`,
    )
    .action(async (opts: TopOpts, cmd: Command) => {
      const arch = opts.arch ? parseArch(opts.arch) : undefined;
      const scope: Scope = {
        hostId: opts.host ?? '',
        runId: opts.run ?? '',
        sinceUnixMs: opts.since ? String(parseTimePoint(opts.since)) : '0',
        untilUnixMs: opts.until ? String(parseTimePoint(opts.until)) : '0',
      };
      const settings = resolveSettings(opts);
      let resp: TopResponse;
      let title: string;
      if (settings.server) {
        const client = new QueryClient(settings.server, readToken(settings.tokenFile));
        try {
          resp = await client.top({ scope, by: GROUP[opts.by], limit: 0 });
        } finally {
          client.close();
        }
        title = describeScope(scope, resp);
      } else {
        if (opts.host || opts.run || opts.since || opts.until) {
          throw new CliError('--host, --run, --since and --until query a control plane: add --server (or set SYSCALL_COUNTER_SERVER)', 2);
        }
        const cp = await startEmbedded();
        const runId = randomUUID();
        try {
          if (process.stderr.isTTY) process.stderr.write(`Collecting syscalls on this host for ${opts.duration} s...\n`);
          await streamLocally({ server: cp.address, tokenFile: cp.tokenFile, runId, seconds: opts.duration });
          const client = new QueryClient(cp.address, cp.token);
          try {
            resp = await client.top({ scope: { ...scope, runId }, by: GROUP[opts.by], limit: 0 });
          } finally {
            client.close();
          }
        } finally {
          await cp.stop();
        }
        title = `Busiest syscalls on ${hostname()} over ${seconds(resp).toFixed(1)} s (run ${runId.slice(0, 8)}, stored in ${relative(process.cwd(), cp.dbPath) || cp.dbPath})`;
      }
      process.stdout.write(render(resp, opts, title, arch, useColor(cmd)));
    });
}

function seconds(resp: TopResponse): number {
  const span = Number(BigInt(resp.lastUnixMs) - BigInt(resp.firstUnixMs)) / 1000;
  return span > 0 ? span : 0;
}

function describeScope(scope: Scope, resp: TopResponse): string {
  const what = scope.runId ? `run ${scope.runId}` : scope.hostId ? `host ${scope.hostId}` : 'fleet-wide';
  if (resp.rows.length === 0) {
    const from = scope.sinceUnixMs !== '0' ? formatTime(scope.sinceUnixMs) : 'the beginning';
    const to = scope.untilUnixMs !== '0' ? formatTime(scope.untilUnixMs) : 'now';
    throw new CliError(`no data for ${what} between ${from} and ${to}`);
  }
  return `Busiest syscalls, ${what}, ${formatTime(resp.firstUnixMs)} – ${formatTime(resp.lastUnixMs)} (${seconds(resp).toFixed(1)} s)`;
}

function render(resp: TopResponse, opts: TopOpts, title: string, arch: Arch | undefined, color: boolean): string {
  const secs = seconds(resp);
  if (opts.by !== 'syscall') {
    const rows = resp.rows.map((r) => ({ key: r.key, count: BigInt(r.count) }));
    if (opts.format === 'csv') return renderCsv([opts.by, 'count'], rows.map((r) => [r.key, r.count.toString()]));
    if (opts.format === 'json') return JSON.stringify({ by: opts.by, seconds: secs, total: resp.total, rows: rows.map((r) => ({ key: r.key, count: r.count.toString() })) }, null, 2) + '\n';
    return renderGrouped(title, opts.by.toUpperCase(), rows, secs, opts.top, color);
  }
  // Name with the requested table, else the hosts' own; hosts of mixed arches need --arch.
  const table = arch ?? (resp.arch ? parseArch(resp.arch) : undefined);
  const name = (nr: number) => (table ? syscallName(table, nr) : `syscall_${nr}`);
  const rows: TopRow[] = sortRows(resp.rows.map((r) => ({ nr: r.hasNr ? r.nr : null, name: r.hasNr ? name(r.nr) : 'other', count: BigInt(r.count) })));
  if (opts.format === 'csv') {
    return renderCsv(['syscall_nr', 'name', 'count'], rows.map((r) => [r.nr === null ? '' : String(r.nr), r.name, r.count.toString()]));
  }
  if (opts.format === 'json') {
    return (
      JSON.stringify(
        { arch: table ?? null, seconds: secs, first: formatTime(resp.firstUnixMs), last: formatTime(resp.lastUnixMs), total: resp.total, syscalls: rows.map((r) => ({ nr: r.nr, name: r.name, count: r.count.toString() })) },
        null,
        2,
      ) + '\n'
    );
  }
  return renderTop({ title, seconds: secs, rows, top: opts.top, color });
}
