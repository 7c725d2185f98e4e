import { usageError } from '../errors';
import { ConnOpts, serverAddresses } from '../options/connection';
import { readCa, readToken, resolveSettings, Settings } from '../settings';
import { QueryClient } from './client';

/** A client for resolved settings that name a server, or several replicas (a,b:6000; the port defaults to 50051). */
export function clientFor(settings: Settings & { server: string }): QueryClient {
  const addresses = serverAddresses(settings.server);
  return new QueryClient(addresses, readToken(settings.tokenFile), readCa(settings.tlsCa));
}

/** A client for the configured control plane; the commands that only read history need one. */
export function connect(opts: ConnOpts): QueryClient {
  const settings = resolveSettings(opts);
  if (!settings.server) {
    throw usageError(
      'no control plane: pass --server HOST:PORT (or set SYSCALL_COUNTER_SERVER); ' +
        '`syscall-counter top` alone collects on this host',
    );
  }
  return clientFor({ ...settings, server: settings.server });
}

/** Runs @use with a client of the configured control plane, closed afterwards. */
export async function withClient<T>(opts: ConnOpts, use: (client: QueryClient) => Promise<T>): Promise<T> {
  return using(connect(opts), use);
}

/** Runs @use with @client, closed afterwards. */
export async function using<T>(client: QueryClient, use: (client: QueryClient) => Promise<T>): Promise<T> {
  try {
    return await use(client);
  } finally {
    client.close();
  }
}
