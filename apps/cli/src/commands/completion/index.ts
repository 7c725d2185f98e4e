import { Argument, Command } from 'commander';
import { bashScript, zshScript } from './script';

const HELP = `
Examples:
  $ source <(syscall-counter completion bash)     # this shell; add it to ~/.bashrc to keep it
  $ syscall-counter completion zsh > "\${fpath[1]}/_syscall-counter"`;

export function completionCommand(): Command {
  return new Command('completion')
    .description('print a shell completion script, generated from the command definitions')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .addHelpText('after', HELP)
    .action((shell: 'bash' | 'zsh', _opts: unknown, self: Command) => {
      const program = self.parent!;
      process.stdout.write(shell === 'bash' ? bashScript(program) : zshScript(program));
    });
}
