import { Command } from 'commander';
import { withAgentFilters } from '../../options/agent-filters';
import { withConnection } from '../../options/connection';
import { displayOf, DisplayOpts, Format, withFormat } from '../../options/format';
import { withTopN } from '../../options/numbers';
import { LOCAL_FIRST_WINDOW_HELP, withWindow } from '../../options/scope';
import { renderErrors } from '../../render/errors-table';
import { agentFilterText, withFilters } from '../../render/titles';
import { collectErrors, CollectOpts } from './collect';

interface ErrorsOpts extends CollectOpts, DisplayOpts {
  top: number;
  format: Format;
  all?: boolean;
}

const HELP = `
A call fails when it returns -1..-4095 (the kernel's -errno), counted at sys_exit. Rows are
ordered by failed calls.

Examples:
  $ syscall-counter errors -d 10                 # the whole host, 10 s
  $ syscall-counter errors -- ls /nonexistent    # one command: ENOENT from openat/statx...
  $ syscall-counter errors --comm nginx --format csv
  $ syscall-counter errors --server cp --token-file t --host db-1 --host db-2 --since 24h

With a control plane, the failures come from the history of runs streamed with
'syscall-counter-agent --errors --server ...'; COUNT is then every call of the scope.`;

const SERVER_HELP =
  'read the failures of runs streamed with agent --errors from this control plane (HOST[:PORT], ' +
  'default port 50051; env SYSCALL_COUNTER_SERVER)';

export function errorsCommand(): Command {
  const cmd = new Command('errors').description(
    'failed system calls on this host: per syscall, how many failed and with which errno ' +
      '(runs the agent with --errors; with a control plane, its stored failures)',
  );
  withTopN(cmd).option('-a, --all', 'also list syscalls that never failed');
  withFormat(cmd);
  withConnection(cmd, SERVER_HELP).option('--local', 'collect on this host even when a control plane is configured');
  withWindow(cmd, LOCAL_FIRST_WINDOW_HELP);
  return withAgentFilters(cmd)
    .addHelpText('after', HELP)
    .action(async (command: string[], opts: ErrorsOpts, self: Command) => {
      const display = displayOf(opts, self);
      const { rows: all, calls, where } = await collectErrors(command, opts, display.utc);
      const rows = all.filter((r) => opts.all || r.failed > 0).sort((a, b) => b.failed - a.failed || b.count - a.count);
      const view = {
        format: opts.format,
        top: opts.top,
        title: withFilters(`Failed syscalls, ${where}`, agentFilterText(opts)),
        display,
      };
      process.stdout.write(renderErrors(rows, calls, view));
    });
}
