import { Command } from 'commander';
import { SyscallSetResponse } from '@syscall-counter/proto';
import { syscallName } from '@syscall-counter/syscall-table';
import { CliError, usageError } from '../../errors';
import { ConnOpts, withConnection } from '../../options/connection';
import { scopeFrom, ScopeOpts, withScope } from '../../options/scope';
import { withClient } from '../../queries/connect';
import { archOf } from '../../syscalls';
import { Observation, observeCommand } from './observed';

/** Where the observed calls come from: a command run here, or a scope of the control plane's history. */
export interface SourceOpts extends ScopeOpts, ConnOpts {}

/** --container, --comm, --host, --run, --since, --until and the connection: the history sources. */
export function withSource(cmd: Command): Command {
  return withConnection(withScope(cmd));
}

const HISTORY: (keyof ScopeOpts)[] = ['container', 'comm', 'host', 'run', 'since', 'until', 'pid'];

/** The union of what the scope's hosts and runs called, named from their architecture's table. */
export function fromSyscallSet(resp: SyscallSetResponse): Observation {
  const obs: Observation = { arch: resp.arch, calls: [], unknown: [] };
  const table = resp.arch ? archOf(resp.arch) : 'x86_64';
  for (const s of resp.syscalls) {
    const name = syscallName(table, s.nr);
    const call = {
      abi: 'native' as const,
      name,
      count: Number(s.count),
      hosts: s.hostIds,
      firstSeen: new Date(Number(s.firstSeenUnixMs)).toISOString(),
      lastSeen: new Date(Number(s.lastSeenUnixMs)).toISOString(),
    };
    (name.startsWith('syscall_') ? obs.unknown : obs.calls).push(call);
  }
  return obs;
}

/** What the source called: the command after --, else the history scope (one of them, not both). */
export async function observe(opts: SourceOpts, command: string[], what: string): Promise<Observation> {
  const history = HISTORY.some((k) => opts[k] !== undefined);
  if (command.length && history)
    throw usageError(`${what}: either a command after -- or a history scope (--container, --host...), not both`);
  if (command.length) return observeCommand(command);
  if (!history) throw usageError(`${what}: give the workload after --, or a history scope (--container, --host...)`);
  const resp = await withClient(opts, (c) => c.syscallSet({ scope: scopeFrom(opts) }));
  if (!resp.syscalls.length) throw new CliError(`${what}: no syscalls recorded in this scope`);
  return fromSyscallSet(resp);
}
