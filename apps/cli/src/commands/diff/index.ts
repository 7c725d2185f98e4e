import { Command } from 'commander';
import { DiffOpts, fetchDiff, withDiffDetail } from '../../diff/fetch';
import { withConnection } from '../../options/connection';
import { displayOf, DisplayOpts, Format, withFormat } from '../../options/format';
import { withTopN } from '../../options/numbers';
import { ARCH_OR_HOSTS_HELP, withArch } from '../../options/syscall';
import { renderDiff } from '../../render/diff-table';

interface DiffCommandOpts extends DiffOpts, DisplayOpts {
  top: number;
  format: Format;
}

const HELP = `
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
by container id or unit. Both need runs streamed with the agent's -P or -C.`;

export function diffCommand(): Command {
  // Options in the order --help lists them.
  const cmd = withDiffDetail(new Command('diff'))
    .description(
      'compare two runs or two windows: per-syscall rates, absolute and relative change, new and vanished syscalls',
    )
    .argument('<A>', 'the baseline: RUN_ID (or a unique prefix), HOST[,HOST...]@SINCE..UNTIL or @SINCE..UNTIL (fleet)')
    .argument('<B>', 'what to compare with it (same forms)');
  withTopN(cmd);
  withArch(cmd, ARCH_OR_HOSTS_HELP);
  withConnection(cmd);
  return withFormat(cmd)
    .addHelpText('after', HELP)
    .action(async (a: string, b: string, opts: DiffCommandOpts, self: Command) => {
      const { comparison, labels } = await fetchDiff(a, b, opts);
      process.stdout.write(
        renderDiff(comparison, labels, { format: opts.format, top: opts.top, display: displayOf(opts, self) }),
      );
    });
}
