import { Command } from 'commander';
import { usageError } from '../errors';
import { ConnOpts } from '../options/connection';
import { resolveSettings } from '../settings';
import { QueryClient } from './client';
import { withClient } from './connect';

/** A whole run id as the agent makes one: no need to ask the control plane what it means. */
const FULL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Candidates listed for an ambiguous prefix. */
const MAX_CANDIDATES = 10;

/**
 * The run @given names among @runIds: itself when it is one of them, else the one run it is a
 * prefix of. A prefix of none is kept (the query then finds nothing, as before); a prefix of
 * several is a usage error that lists them.
 */
export function matchRunPrefix(given: string, runIds: string[]): string {
  if (runIds.includes(given)) return given;
  const matches = runIds.filter((id) => id.startsWith(given));
  if (matches.length <= 1) return matches[0] ?? given;
  const shown = matches.slice(0, MAX_CANDIDATES).join(', ');
  const more = matches.length > MAX_CANDIDATES ? `, and ${matches.length - MAX_CANDIDATES} more` : '';
  throw usageError(`run '${given}' is ambiguous: it starts ${matches.length} runs (${shown}${more})`);
}

/** Run ids as typed, whole or a unique prefix, as whole ids: one ListRuns answers them all. */
export async function resolveRunIds(client: QueryClient, given: string[]): Promise<string[]> {
  if (given.every((g) => FULL_UUID.test(g))) return given;
  const ids = (await client.runs('')).map((r) => r.runId);
  return given.map((g) => (FULL_UUID.test(g) ? g : matchRunPrefix(g, ids)));
}

/**
 * A preAction hook: --run accepts a unique prefix of a run id (the 8 characters a local top
 * prints, like git's short hashes) in every command that has it.
 */
export async function expandRunPrefix(_program: Command, action: Command): Promise<void> {
  const opts = action.opts() as ConnOpts & { run?: string; host?: string | string[] };
  if (!opts.run || FULL_UUID.test(opts.run) || !resolveSettings(opts).server) return;
  // runs' own --host is one id; the history commands' is a list (a run prefix among their runs).
  const hosts = typeof opts.host === 'string' ? [opts.host] : (opts.host ?? []);
  const all = await withClient(opts, (c) => c.runs(hosts.length === 1 ? hosts[0] : ''));
  const runs = hosts.length > 1 ? all.filter((r) => hosts.includes(r.hostId)) : all;
  action.setOptionValue(
    'run',
    matchRunPrefix(
      opts.run,
      runs.map((r) => r.runId),
    ),
  );
}
