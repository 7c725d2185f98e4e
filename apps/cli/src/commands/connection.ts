import { QueryClient } from '../query-client';
import { CliError } from '../errors';
import { readCa, readToken, resolveSettings, Settings } from '../settings';

export interface ConnOpts {
  server?: string;
  tokenFile?: string;
  tlsCa?: string;
}

/** A client for resolved settings that name a server. */
export function clientFor(settings: Settings & { server: string }): QueryClient {
  return new QueryClient(settings.server, readToken(settings.tokenFile), readCa(settings.tlsCa));
}

/** A client for the configured control plane; commands other than top need one. */
export function connect(opts: ConnOpts): QueryClient {
  const settings = resolveSettings(opts);
  if (!settings.server) {
    throw new CliError(
      'no control plane: pass --server HOST:PORT (or set SYSCALL_COUNTER_SERVER); `syscall-counter top` alone collects on this host',
      2,
    );
  }
  return clientFor({ ...settings, server: settings.server });
}

export async function withClient<T>(opts: ConnOpts, use: (client: QueryClient) => Promise<T>): Promise<T> {
  const client = connect(opts);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}
