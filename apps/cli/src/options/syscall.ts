import { Command } from 'commander';
import { archOf } from '../syscalls';

/** --arch: which syscall table names the rows, checked while the command line is read. */
export function withArch(cmd: Command, help = 'name syscalls with this table (x86_64, arm64)'): Command {
  return cmd.option('--arch <arch>', help, archOf);
}

/** --arch for commands that otherwise name rows with the hosts' own table. */
export const ARCH_OR_HOSTS_HELP = 'name syscalls with this table (x86_64, arm64); default: the hosts’ own';
