import { Scope } from '@syscall-counter/proto';
import { scopeHosts, whereText } from '../options/scope';
import { By } from '../queries/top';
import { displaySpan, displayTime } from './clock';

/** What a Top table's rows are: the grouping, and the syscall drilled into. */
export interface TopSubject {
  by: By;
  /** --failed: only the calls that failed. */
  failed?: boolean;
  /** --syscall, by name. */
  syscall?: string;
}

/** The rows' noun, singular and plural, for titles and total lines. */
export const BY_NOUN: Record<By, [string, string]> = {
  syscall: ['syscall', 'syscalls'],
  host: ['host', 'hosts'],
  run: ['run', 'runs'],
  process: ['process', 'processes'],
  container: ['container', 'containers'],
  errno: ['errno', 'errnos'],
};

/**
 * "Busiest syscalls", "Busiest failing syscalls", "Busiest containers calling execve", "Failed
 * close calls by errno", "Busiest hosts by failed openat calls": the grouping and what is counted.
 */
export function subjectText(s: TopSubject): string {
  const rows = BY_NOUN[s.by][1];
  if (s.by === 'errno') return `Failed ${s.syscall ? `${s.syscall} ` : ''}calls by errno`;
  if (s.by === 'syscall') return `Busiest ${s.failed ? 'failing ' : ''}${rows}${s.syscall ? ` (${s.syscall})` : ''}`;
  if (s.failed) return `Busiest ${rows} by failed ${s.syscall ? `${s.syscall} ` : ''}calls`;
  return `Busiest ${rows}${s.syscall ? ` calling ${s.syscall}` : ''}`;
}

/** "host a" or "hosts a, b" (a repeated --host), '' for none. */
function whereHosts(scope: Scope): string {
  const hosts = scopeHosts(scope);
  return hosts.length ? whereText({ host: hosts }) : '';
}

/** Every filter of a scope: "host web-1, run 3f2a…, pid 42, comm nginx, container docker:3f2a, since …". */
export function filterTexts(scope: Scope, utc: boolean): string[] {
  return [
    whereHosts(scope),
    scope.runId ? `run ${scope.runId}` : '',
    scope.pid ? `pid ${scope.pid}` : '',
    scope.comm ? `comm ${scope.comm}` : '',
    scope.container ? `container ${scope.container}` : '',
    scope.sinceUnixMs !== '0' ? `since ${displayTime(scope.sinceUnixMs, utc)}` : '',
    scope.untilUnixMs !== '0' ? `until ${displayTime(scope.untilUnixMs, utc)}` : '',
  ].filter(Boolean);
}

/**
 * A history query's title: "Busiest containers calling execve, fleet-wide, since 2026-11-30
 * 07:00:00 UTC+01:00, data 2026-11-30 07:00:10 – 08:00:00 UTC+01:00 (59m 50s)".
 */
export function historyHeadline(
  s: TopSubject,
  scope: Scope,
  span: { firstUnixMs: string; lastUnixMs: string },
  utc: boolean,
): string {
  const filters = filterTexts(scope, utc);
  const where = scopeHosts(scope).length || scope.runId ? filters : ['fleet-wide', ...filters];
  return [subjectText(s), ...where, displaySpan(span.firstUnixMs, span.lastUnixMs, utc)].join(', ');
}

/** "pid 42, comm nginx, syscalls read,write": the kernel filters of an agent run ('' for none). */
export function agentFilterText(opts: { pid?: number; comm?: string; syscall?: string }): string {
  return [
    opts.pid ? `pid ${opts.pid}` : '',
    opts.comm ? `comm ${opts.comm}` : '',
    opts.syscall ? `${opts.syscall.includes(',') ? 'syscalls' : 'syscall'} ${opts.syscall}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** "Failed syscalls, 'make', comm cc1": a title, then where, then the filters when there are any. */
export function withFilters(title: string, filters: string): string {
  return filters ? `${title}, ${filters}` : title;
}
