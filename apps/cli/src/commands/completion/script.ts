import { Command } from 'commander';

/** Every flag of @cmd (long and short), and --help. */
function flagsOf(cmd: Command): string[] {
  const flags = cmd.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  return [...flags, '--help'];
}

/** The words after @cmd: its subcommands, else its flags. */
function wordsOf(cmd: Command): string[] {
  return cmd.commands.length ? cmd.commands.map((c) => c.name()) : flagsOf(cmd);
}

/**
 * A bash completion function generated from the command definitions: the commands at the first
 * word, then each command's subcommands or flags (export's subcommands' flags after them).
 */
export function bashScript(program: Command): string {
  const name = program.name();
  const fn = `_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
  const cases = program.commands.map((c) => {
    const subs = c.commands.map((s) => `        ${s.name()}) words="${flagsOf(s).join(' ')}" ;;`);
    const inner = subs.length
      ? [`      case "\${COMP_WORDS[2]}" in`, ...subs, `        *) words="${wordsOf(c).join(' ')}" ;;`, '      esac']
      : [`      words="${wordsOf(c).join(' ')}"`];
    return [`    ${c.name()})`, ...inner, '      ;;'].join('\n');
  });
  return `# ${name} completion for bash: source <(${name} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${program.commands.map((c) => c.name()).join(' ')} --help --version"
  else
    case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F ${fn} ${name}
`;
}

/** zsh runs the bash function through bashcompinit, which ships with zsh. */
export function zshScript(program: Command): string {
  return `# ${program.name()} completion for zsh: source <(${program.name()} completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(program).split('\n').slice(1).join('\n')}`;
}
