import { PLAIN_DISPLAY } from '../../options/format';
import { Command } from 'commander';
import { withClient } from '../../queries/connect';
import { hostsListing, renderListing, runsListing } from '../../render/listing';
import { emit, ExportOpts, withExportOpts } from './emit';

export function exportHostsCommand(): Command {
  return withExportOpts(new Command('hosts').description('every host')).action(async (opts: ExportOpts) => {
    await emit(opts, async () =>
      renderListing(hostsListing(await withClient(opts, (c) => c.hosts())), opts.format, PLAIN_DISPLAY),
    );
  });
}

export function exportRunsCommand(): Command {
  return withExportOpts(new Command('runs').description('every run'))
    .option('--host <id>', 'only the runs of this host')
    .action(async (opts: ExportOpts & { host?: string }) => {
      const runs = () => withClient(opts, (c) => c.runs(opts.host ?? ''));
      await emit(opts, async () => renderListing(runsListing(await runs()), opts.format, PLAIN_DISPLAY));
    });
}
