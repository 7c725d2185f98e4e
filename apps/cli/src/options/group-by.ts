import { Command, Option } from 'commander';
import { BY_CHOICES } from '../queries/top';

/** --by: what the rows of a top are (syscall by default). */
export function withGroupBy(cmd: Command, help: string): Command {
  return cmd.addOption(new Option('--by <what>', help).choices(BY_CHOICES).default('syscall'));
}
