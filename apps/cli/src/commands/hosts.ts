import { Command } from 'commander';
import { QueryClient } from '../query-client';
import { renderCsv, renderGrid } from '../render/grid';
import { readToken, resolveSettings } from '../settings';
import { CliError } from '../errors';
import { formatTime } from '../time-window';
import { Format, useColor, withConnection } from './options';

interface ConnOpts {
  server?: string;
  tokenFile?: string;
  format: Format;
}

export function connect(opts: ConnOpts): QueryClient {
  const settings = resolveSettings(opts);
  if (!settings.server) {
    throw new CliError('no control plane: pass --server HOST:PORT (or set SYSCALL_COUNTER_SERVER)', 2);
  }
  return new QueryClient(settings.server, readToken(settings.tokenFile));
}

export function hostsCommand(): Command {
  return withConnection(new Command('hosts').description('hosts that have sent data: kernel, arch, runs, first/last seen, totals'))
    .addHelpText('after', '\nExample:\n  $ syscall-counter hosts --server cp:50051 --token-file /etc/syscall-counter/token')
    .action(async (opts: ConnOpts, cmd: Command) => {
      const client = connect(opts);
      try {
        const hosts = await client.hosts();
        const head = ['HOST', 'HOSTNAME', 'KERNEL', 'ARCH', 'RUNS', 'FIRST SEEN', 'LAST SEEN', 'TOTAL'];
        const rows = hosts.map((h) => [h.hostId, h.hostname, h.kernelRelease, h.arch, String(h.runs), formatTime(h.firstSeenUnixMs), formatTime(h.lastSeenUnixMs), h.total]);
        if (opts.format === 'json') process.stdout.write(JSON.stringify(hosts, null, 2) + '\n');
        else if (opts.format === 'csv') process.stdout.write(renderCsv(head.map((h) => h.toLowerCase().replace(' ', '_')), rows));
        else process.stdout.write(renderGrid(head, rows, ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right'], useColor(cmd)) + '\n');
      } finally {
        client.close();
      }
    });
}

export function runsCommand(): Command {
  return withConnection(new Command('runs').description('agent runs: host, scope, interval, started/last seen, snapshots, totals'))
    .option('--host <id>', 'only the runs of this host')
    .addHelpText('after', '\nExample:\n  $ syscall-counter runs --server cp:50051 --token-file t --host web-1')
    .action(async (opts: ConnOpts & { host?: string }, cmd: Command) => {
      const client = connect(opts);
      try {
        const runs = await client.runs(opts.host ?? '');
        const head = ['RUN', 'HOST', 'SCOPE', 'MAP', 'INTERVAL', 'STARTED', 'LAST SEEN', 'SNAPSHOTS', 'TOTAL', 'DONE'];
        const rows = runs.map((r) => [r.runId, r.hostId, r.scope, r.mapMode, `${r.intervalMs / 1000} s`, formatTime(r.startedUnixMs), formatTime(r.lastSeenUnixMs), r.lastSeq, r.total, r.finished ? 'yes' : 'no']);
        if (opts.format === 'json') process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
        else if (opts.format === 'csv') process.stdout.write(renderCsv(head.map((h) => h.toLowerCase().replace(' ', '_')), rows));
        else process.stdout.write(renderGrid(head, rows, ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'right', 'left'], useColor(cmd)) + '\n');
      } finally {
        client.close();
      }
    });
}
