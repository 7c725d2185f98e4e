import { Command, InvalidArgumentError, Option } from 'commander';

export type Format = 'table' | 'csv' | 'json';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Options every command that talks to a control plane shares. */
export function withConnection(cmd: Command): Command {
  return cmd
    .option(
      '--server <host:port>',
      'control plane to query (env SYSCALL_COUNTER_SERVER, or "server" in the config file)',
    )
    .option('--token-file <file>', 'file holding the control plane token (env SYSCALL_COUNTER_TOKEN_FILE)')
    .option('--tls-ca <file>', 'use TLS, trusting the CA certificates in this PEM file (env SYSCALL_COUNTER_TLS_CA)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'));
}

export interface GlobalOpts {
  color?: boolean;
}

export function useColor(cmd: Command): boolean {
  return (
    (cmd.optsWithGlobals() as GlobalOpts).color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR
  );
}
