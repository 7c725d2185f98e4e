import { QueryClient } from '../query-client';
import { CliError } from '../errors';
import { readToken, resolveSettings } from '../settings';

export interface ConnOpts {
  server?: string;
  tokenFile?: string;
}

/** A client for the configured control plane; commands other than top need one. */
export function connect(opts: ConnOpts): QueryClient {
  const settings = resolveSettings(opts);
  if (!settings.server) {
    throw new CliError('no control plane: pass --server HOST:PORT (or set SYSCALL_COUNTER_SERVER); `syscall-counter top` alone collects on this host', 2);
  }
  return new QueryClient(settings.server, readToken(settings.tokenFile));
}

export async function withClient<T>(opts: ConnOpts, use: (client: QueryClient) => Promise<T>): Promise<T> {
  const client = connect(opts);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}
