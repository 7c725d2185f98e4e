import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { CliError } from '../errors';
import { detailText, scopeHosts, whereText } from '../options/scope';
import { spanSeconds, spanText, windowText } from '../time-window';
import { QueryClient } from './client';
import { using } from './connect';

/** What the rows of a Top answer are: syscalls, or the hosts, runs, processes, containers or errnos calling them. */
export type By = 'syscall' | 'host' | 'run' | 'process' | 'container' | 'errno';

export const BY_CHOICES: By[] = ['syscall', 'host', 'run', 'process', 'container', 'errno'];

/** What a table's rows are, in its title and total line. */
export const BY_PLURAL: Record<By, string> = {
  syscall: 'syscalls',
  host: 'hosts',
  run: 'runs',
  process: 'processes',
  container: 'containers',
  errno: 'errnos',
};

const GROUP: Record<By, GroupBy> = {
  syscall: GroupBy.GROUP_BY_SYSCALL,
  host: GroupBy.GROUP_BY_HOST,
  run: GroupBy.GROUP_BY_RUN,
  process: GroupBy.GROUP_BY_PROCESS,
  container: GroupBy.GROUP_BY_CONTAINER,
  errno: GroupBy.GROUP_BY_ERRNO,
};

export interface TopQuery {
  scope: Scope;
  by: By;
  /** --syscall: only this one (a drill-down of --by process|container|host|run|errno). */
  syscallNr?: number;
  /** --failed: only the calls that failed (runs streamed with agent --errors). */
  failed?: boolean;
}

/** One Top query; closes the client. */
export function queryTop(client: QueryClient, q: TopQuery): Promise<TopResponse> {
  return using(client, (c) =>
    c.top({ scope: q.scope, by: GROUP[q.by], limit: 0, syscallNr: q.syscallNr, failed: !!q.failed }),
  );
}

/** Seconds a Top answer covers, first snapshot to last. */
export function topSeconds(resp: TopResponse): number {
  return spanSeconds(resp.firstUnixMs, resp.lastUnixMs);
}

/** "run R, pid 42": what a scope covers, for titles and for "no data" errors. */
function scopeText(scope: Scope): string {
  const where = whereText({ host: scopeHosts(scope), run: scope.runId });
  const detail = detailText({
    pid: scope.pid || undefined,
    comm: scope.comm || undefined,
    container: scope.container || undefined,
  });
  return detail ? `${where}, ${detail}` : where;
}

/** An answer without rows is an error: the scope names nothing that was recorded. */
export function requireRows(scope: Scope, resp: TopResponse): void {
  if (resp.rows.length === 0)
    throw new CliError(`no data for ${scopeText(scope)} ${windowText(scope.sinceUnixMs, scope.untilUnixMs)}`);
}

/** The title of a history query's table (after requireRows). */
export function historyTitle(scope: Scope, resp: TopResponse, failed = false): string {
  const span = spanText(resp.firstUnixMs, resp.lastUnixMs);
  return `Busiest ${failed ? 'failing ' : ''}syscalls, ${scopeText(scope)}, ${span}`;
}
