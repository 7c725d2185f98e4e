import { Command } from 'commander';
import { completionCommand } from './completion';
import { diffCommand } from './diff';
import { errorsCommand } from './errors';
import { exportCommand } from './export';
import { hostsCommand } from './hosts';
import { latencyCommand } from './latency';
import { plotCommand } from './plot';
import { runsCommand } from './runs';
import { seccompCommand } from './seccomp';
import { summaryCommand } from './summary';
import { topCommand } from './top';

/** Every command, in the order --help lists them: one folder each, whose index.ts builds it. */
export function allCommands(): Command[] {
  return [
    topCommand(),
    hostsCommand(),
    runsCommand(),
    diffCommand(),
    exportCommand(),
    plotCommand(),
    latencyCommand(),
    errorsCommand(),
    summaryCommand(),
    completionCommand(),
    seccompCommand(),
  ];
}
