import { Command } from 'commander';
import { ConnOpts, withConnection } from '../../options/connection';
import { DisplayOpts, displayOf, Format, withFormat } from '../../options/format';
import { withClient } from '../../queries/connect';
import { renderListing, runsListing } from '../../render/listing';

export function runsCommand(): Command {
  const cmd = new Command('runs').description(
    'agent runs: host, scope, interval, started/last seen, snapshots, totals, BPF NS (the agent BPF ns per syscall)',
  );
  return withFormat(withConnection(cmd))
    .option('--host <id>', 'only the runs of this host')
    .addHelpText('after', '\nExample:\n  $ syscall-counter runs --server cp:50051 --token-file t --host web-1')
    .action(async (opts: ConnOpts & DisplayOpts & { format: Format; host?: string }, self: Command) => {
      const runs = await withClient(opts, (c) => c.runs(opts.host ?? ''));
      process.stdout.write(renderListing(runsListing(runs), opts.format, displayOf(opts, self)));
    });
}
