import { spawnSync } from 'node:child_process';
import { cli } from '@syscall-counter/test-support';

/** Sources the bash script and completes @words (the last one being typed): the candidates. */
function complete(script: string, words: string[]): string[] {
  const r = spawnSync(
    'bash',
    [
      '-c',
      `eval "$(cat)"; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; ` +
        '_syscall_counter; echo "${COMPREPLY[@]}"',
    ],
    { input: script, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  return r.stdout.trim().split(' ');
}

// Shell completion generated from the command definitions (issue 13).
describe('syscall-counter completion bash|zsh', () => {
  it('bash: commands, their flags, and export subcommands', () => {
    const r = cli(['completion', 'bash']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('complete -o default -F _syscall_counter syscall-counter\n');
    expect(complete(r.stdout, ['syscall-counter', 'su'])).toEqual(['summary']);
    expect(complete(r.stdout, ['syscall-counter', 'top', '--wa'])).toEqual(['--watch']);
    expect(complete(r.stdout, ['syscall-counter', 'export', 'top', '--si'])).toEqual(['--since']);
  });

  it('zsh: the same function through bashcompinit', () => {
    const r = cli(['completion', 'zsh']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^# syscall-counter completion for zsh.*\nautoload -U \+X bashcompinit && bashcompinit\n_syscall_counter\(\) \{/,
    );
  });

  it('an unknown shell is a usage error', () => {
    const r = cli(['completion', 'fish']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      "error: command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.",
    );
  });
});
