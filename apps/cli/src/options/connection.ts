import { Command } from 'commander';
import { usageError } from '../errors';

/** Where the control plane is and how to reach it, as typed; settings.ts adds the environment and config file. */
export interface ConnOpts {
  server?: string;
  tokenFile?: string;
  tlsCa?: string;
}

/** The control plane's documented port (SC_LISTEN's default): --server HOST means HOST:50051. */
export const DEFAULT_PORT = 50051;

const SERVER_HELP =
  `control plane to query (HOST, or HOST:PORT; the port defaults to ${DEFAULT_PORT}), or replicas a,b:6000 ` +
  '(the first that answers); env SYSCALL_COUNTER_SERVER, or "server" in the config file';

/** --server, --token-file, --tls-ca: every command that can talk to a control plane. */
export function withConnection(cmd: Command, serverHelp = SERVER_HELP): Command {
  return cmd
    .option('--server <host[:port][,...]>', serverHelp)
    .option('--token-file <file>', 'file holding the control plane token (env SYSCALL_COUNTER_TOKEN_FILE)')
    .option('--tls-ca <file>', 'use TLS, trusting the CA certificates in this PEM file (env SYSCALL_COUNTER_TLS_CA)');
}

/** One server of a list with its port: HOST, HOST:PORT, [V6] or [V6]:PORT; undefined when it is none of them. */
function withPort(entry: string): string | undefined {
  const v6 = /^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.exec(entry);
  if (v6) return v6[1] ? entry : `${entry}:${DEFAULT_PORT}`;
  const hostPort = /^([^\s:[\]/,]+)(:\d{1,5})?$/.exec(entry);
  if (hostPort) return hostPort[2] ? entry : `${entry}:${DEFAULT_PORT}`;
  return undefined;
}

/** --server as grpc-js takes it: every entry of the list with a port (the default where none is given). */
export function serverAddresses(list: string): string {
  const entries = list.split(',').map(withPort);
  if (entries.some((e) => e === undefined)) throw usageError(`--server '${list}' is not HOST[:PORT][,HOST[:PORT]...]`);
  return entries.join(',');
}
