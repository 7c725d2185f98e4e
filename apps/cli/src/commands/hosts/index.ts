import { Command } from 'commander';
import { ConnOpts, withConnection } from '../../options/connection';
import { DisplayOpts, displayOf, Format, withFormat } from '../../options/format';
import { withClient } from '../../queries/connect';
import { hostsListing, renderListing } from '../../render/listing';

export function hostsCommand(): Command {
  const cmd = new Command('hosts').description(
    'hosts that have sent data: kernel, arch, runs, first/last seen, totals, BPF NS (the agent BPF ns per syscall)',
  );
  return withFormat(withConnection(cmd))
    .addHelpText(
      'after',
      '\nExample:\n  $ syscall-counter hosts --server cp:50051 --token-file /etc/syscall-counter/token',
    )
    .action(async (opts: ConnOpts & DisplayOpts & { format: Format }, self: Command) => {
      const hosts = await withClient(opts, (c) => c.hosts());
      process.stdout.write(renderListing(hostsListing(hosts), opts.format, displayOf(opts, self)));
    });
}
