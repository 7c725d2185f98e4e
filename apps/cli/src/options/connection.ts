import { Command } from 'commander';

/** Where the control plane is and how to reach it, as typed; settings.ts adds the environment and config file. */
export interface ConnOpts {
  server?: string;
  tokenFile?: string;
  tlsCa?: string;
}

const SERVER_HELP =
  'control plane to query, or replicas a:50051,b:50051 (the first that answers); ' +
  'env SYSCALL_COUNTER_SERVER, or "server" in the config file';

/** --server, --token-file, --tls-ca: every command that can talk to a control plane. */
export function withConnection(cmd: Command, serverHelp = SERVER_HELP): Command {
  return cmd
    .option('--server <host:port[,host:port...]>', serverHelp)
    .option('--token-file <file>', 'file holding the control plane token (env SYSCALL_COUNTER_TOKEN_FILE)')
    .option('--tls-ca <file>', 'use TLS, trusting the CA certificates in this PEM file (env SYSCALL_COUNTER_TLS_CA)');
}
