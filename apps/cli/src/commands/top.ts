import { Command, InvalidArgumentError } from 'commander';
import { parseArch, syscallName } from '@syscall-counter/syscall-table';
import { collectLocally } from '../local-agent';
import { renderTop } from '../render/top-table';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function topCommand(): Command {
  return new Command('top')
    .description('the busiest system calls: SYSCALL# | NAME | COUNT | RATE/s | %')
    .option('-n, --top <n>', 'how many syscalls to show', positiveInt, 15)
    .option('-d, --duration <sec>', 'seconds to collect on this host', positiveInt, 3)
    .option('--arch <arch>', 'name syscalls with this architecture’s table (default: the agent’s)')
    .addHelpText(
      'after',
      `
Examples:
  $ syscall-counter top                 # collect 3 s on this host, show the top 15
  $ syscall-counter top -d 10 -n 30     # collect 10 s, show the top 30`,
    )
    .action(async (opts: { top: number; duration: number; arch?: string }, cmd: Command) => {
      const color = cmd.optsWithGlobals().color !== false && process.stdout.isTTY === true;
      const wanted = opts.arch ? parseArch(opts.arch) : undefined;
      const report = await collectLocally(opts.duration);
      const arch = wanted ?? parseArch(report.arch);
      const rows = report.rows.map((r) => ({ ...r, name: r.nr === null ? r.name : syscallName(arch, r.nr) }));
      process.stdout.write(
        renderTop({
          title: `Busiest syscalls on this host over ${report.seconds.toFixed(1)} s (local agent)`,
          seconds: report.seconds,
          rows,
          top: opts.top,
          color,
        }),
      );
    });
}
