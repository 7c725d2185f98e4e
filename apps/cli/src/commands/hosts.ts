import { Command } from 'commander';
import { Host, Run } from '@syscall-counter/proto';
import { renderCsv, renderGrid, Align } from '../render/grid';
import { formatTime } from '../time-window';
import { ConnOpts, withClient } from './connection';
import { Format, useColor, withConnection } from './options';

interface Listing {
  head: string[];
  aligns: Align[];
  rows: string[][];
  json: unknown;
}

export function hostsListing(hosts: Host[]): Listing {
  return {
    head: ['HOST', 'HOSTNAME', 'KERNEL', 'ARCH', 'RUNS', 'FIRST SEEN', 'LAST SEEN', 'TOTAL'],
    aligns: ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right'],
    rows: hosts.map((h) => [
      h.hostId,
      h.hostname,
      h.kernelRelease,
      h.arch,
      String(h.runs),
      formatTime(h.firstSeenUnixMs),
      formatTime(h.lastSeenUnixMs),
      h.total,
    ]),
    json: hosts,
  };
}

export function runsListing(runs: Run[]): Listing {
  return {
    head: ['RUN', 'HOST', 'SCOPE', 'MAP', 'INTERVAL', 'STARTED', 'LAST SEEN', 'SNAPSHOTS', 'TOTAL', 'DONE'],
    aligns: ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'right', 'left'],
    rows: runs.map((r) => [
      r.runId,
      r.hostId,
      r.scope,
      r.mapMode,
      `${r.intervalMs / 1000} s`,
      formatTime(r.startedUnixMs),
      formatTime(r.lastSeenUnixMs),
      r.lastSeq,
      r.total,
      r.finished ? 'yes' : 'no',
    ]),
    json: runs,
  };
}

/** CSV headers are the table's, lower-case with underscores (first_seen, last_seen, ...). */
export function renderListing(l: Listing, format: Format, color: boolean): string {
  if (format === 'json') return JSON.stringify(l.json, null, 2) + '\n';
  if (format === 'csv')
    return renderCsv(
      l.head.map((h) => h.toLowerCase().replace(' ', '_')),
      l.rows,
    );
  return renderGrid(l.head, l.rows, l.aligns, color) + '\n';
}

export function hostsCommand(): Command {
  return withConnection(
    new Command('hosts').description('hosts that have sent data: kernel, arch, runs, first/last seen, totals'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  $ syscall-counter hosts --server cp:50051 --token-file /etc/syscall-counter/token',
    )
    .action(async (opts: ConnOpts & { format: Format }, cmd: Command) => {
      const hosts = await withClient(opts, (c) => c.hosts());
      process.stdout.write(renderListing(hostsListing(hosts), opts.format, useColor(cmd)));
    });
}

export function runsCommand(): Command {
  return withConnection(
    new Command('runs').description('agent runs: host, scope, interval, started/last seen, snapshots, totals'),
  )
    .option('--host <id>', 'only the runs of this host')
    .addHelpText('after', '\nExample:\n  $ syscall-counter runs --server cp:50051 --token-file t --host web-1')
    .action(async (opts: ConnOpts & { format: Format; host?: string }, cmd: Command) => {
      const runs = await withClient(opts, (c) => c.runs(opts.host ?? ''));
      process.stdout.write(renderListing(runsListing(runs), opts.format, useColor(cmd)));
    });
}
