import { Command } from 'commander';
import { withConnection } from '../../options/connection';
import { withFormat } from '../../options/format';
import { withGroupBy } from '../../options/group-by';
import { positiveInt, withTopN } from '../../options/numbers';
import { withScope } from '../../options/scope';
import { ARCH_OR_HOSTS_HELP, withArch } from '../../options/syscall';
import { topHere } from './local';
import { planTop, TopOpts } from './plan';
import { topOfHistory } from './query';
import { watchTop } from './watch';

const HELP = `
Without a control plane (no --server, SYSCALL_COUNTER_SERVER or config file), top starts
an embedded one with the SQLite file ./data/syscall-counter.db, runs a local agent
against it for --duration seconds, and prints the result of a query to it.

Examples:
  $ syscall-counter top                                   # 3 s on this host, top 15
  $ syscall-counter top -d 10 -n 30                       # 10 s, top 30
  $ syscall-counter top -w                                # live view of this host
  $ syscall-counter top --local -d 5                      # this host, with a control plane configured
  $ syscall-counter top --by process --syscall futex      # which processes call futex (here, 3 s)
  $ syscall-counter top --by container                    # containers and systemd units (here, 3 s)
  $ syscall-counter top --failed --by errno --syscall openat  # why openat fails (here, 3 s)
  $ syscall-counter top --comm nginx                      # what nginx calls (here, 3 s)
  $ syscall-counter top --server cp:50051 --token-file t --container docker:3f2a9c1b7d4e --since 1h
  $ syscall-counter top --server cp:50051 --token-file t  # fleet-wide, all history
  $ syscall-counter top --server cp:50051 --token-file t --host web-1 --since 1h
  $ syscall-counter top --server cp:50051 --token-file t --by host --since 24h
  $ syscall-counter top --server cp:50051 --token-file t -w --window 5m`;

/** --watch and its companions. */
function withWatch(cmd: Command): Command {
  return cmd
    .option('-w, --watch', 'refresh in place like top(1) until Ctrl-C')
    .option('--refresh <sec>', 'with --watch: seconds between refreshes', positiveInt, 2)
    .option(
      '--window <duration>',
      'with --watch: what each refresh covers (default 5s on this host, 1m with a control plane)',
    )
    .option('--frames <n>', 'with --watch: stop after this many refreshes', positiveInt);
}

export function topCommand(): Command {
  // Options in the order --help lists them.
  const cmd = new Command('top').description('the busiest system calls: SYSCALL# | NAME | COUNT | RATE/s | %');
  withTopN(cmd).option(
    '-d, --duration <sec>',
    'without a control plane: seconds to collect on this host',
    positiveInt,
    3,
  );
  withScope(cmd);
  withGroupBy(
    cmd,
    'group rows by (process: runs streamed with agent -P; container: with agent -C; errno: with --failed)',
  )
    .option('--failed', 'count only the calls that failed (runs streamed with agent --errors)')
    .option('--syscall <name|nr>', 'drill down: only this syscall (with --by process|container|host|run)');
  withArch(cmd, ARCH_OR_HOSTS_HELP);
  withWatch(cmd);
  withConnection(cmd).option('--local', 'collect on this host even when a control plane is configured');
  return withFormat(cmd)
    .addHelpText('after', HELP)
    .action(async (opts: TopOpts, self: Command) => {
      const plan = planTop(opts, self);
      if (opts.watch) return watchTop(opts, plan);
      if (plan.remote) return topOfHistory(plan, plan.remote);
      return topHere(opts, plan);
    });
}
