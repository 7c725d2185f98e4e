import { Command } from 'commander';
import { exportDiffCommand, exportSeriesCommand, exportTopCommand } from './history';
import { exportHostsCommand, exportRunsCommand } from './listings';

const HELP = `
CSV columns (counts are exact decimal integers; JSON carries them as strings):
  top          syscall_nr,name,count          (--by host|run: host,count / run,count;
                                               --by process: pid,comm,count, pid 0 = other;
                                               --by container: container,cgroup,count;
                                               --failed --by errno: errno,name,count)
  series       bucket_end,bucket_seconds,syscall_nr,name,count,rate_per_s
               (one row per bucket and syscall, plus name "all" for the bucket's total;
               a bucket holds the calls counted by the snapshots taken in it)
  diff         syscall_nr,name,count_a,count_b,delta_count,rate_a,rate_b,delta_rate,relative_change,status
               (--by process: comm,count_a,...; --by container: container,count_a,...)
  hosts        host,hostname,kernel,arch,runs,first_seen,last_seen,total
  runs         run,host,scope,map,interval,started,last_seen,snapshots,total,done
syscall_nr is empty for "other" (ids the agent cannot index); times are UTC ISO 8601.

Examples:
  $ syscall-counter export top --host web-1 --since 24h --out web-1.csv
  $ syscall-counter export series --since 1h --bucket 1m --format json
  $ syscall-counter export diff web-1@48h..24h web-1@24h --out change.csv
  $ syscall-counter export hosts --format json`;

export function exportCommand(): Command {
  return new Command('export')
    .description('history as CSV or JSON, to stdout or --out FILE')
    .addHelpText('after', HELP)
    .addCommand(exportTopCommand())
    .addCommand(exportSeriesCommand())
    .addCommand(exportDiffCommand())
    .addCommand(exportHostsCommand())
    .addCommand(exportRunsCommand());
}
