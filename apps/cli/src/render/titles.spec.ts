import { Scope } from '@syscall-counter/proto';
import { agentFilterText, historyHeadline, subjectText, withFilters } from './titles';

const AT = String(Date.UTC(2026, 10, 30, 7, 0, 0));
const LATER = String(Date.UTC(2026, 10, 30, 8, 0, 0));
const scope = (over: Partial<Scope>): Scope => ({
  hostId: '',
  runId: '',
  sinceUnixMs: '0',
  untilUnixMs: '0',
  pid: 0,
  comm: '',
  container: '',
  ...over,
});

describe('titles name the grouping and every filter', () => {
  it('names the grouping and the syscall drilled into', () => {
    expect(subjectText({ by: 'syscall' })).toBe('Busiest syscalls');
    expect(subjectText({ by: 'syscall', failed: true })).toBe('Busiest failing syscalls');
    expect(subjectText({ by: 'container', syscall: 'execve' })).toBe('Busiest containers calling execve');
    expect(subjectText({ by: 'errno', failed: true, syscall: 'openat' })).toBe('Failed openat calls by errno');
    expect(subjectText({ by: 'host', failed: true })).toBe('Busiest hosts by failed calls');
  });

  it('lists host, run, pid, comm, container, since and until, then the span of the data', () => {
    const all = scope({ hostId: 'web-1', runId: 'r1', pid: 42, comm: 'nginx', sinceUnixMs: AT, untilUnixMs: LATER });
    expect(
      historyHeadline({ by: 'process', syscall: 'futex' }, all, { firstUnixMs: AT, lastUnixMs: LATER }, true),
    ).toBe(
      'Busiest processes calling futex, host web-1, run r1, pid 42, comm nginx, since 2026-11-30 07:00:00 UTC, ' +
        'until 2026-11-30 08:00:00 UTC, 2026-11-30 07:00:00 – 08:00:00 UTC (1h 0m)',
    );
    const fleet = scope({ container: 'docker:3f2a' });
    expect(historyHeadline({ by: 'syscall' }, fleet, { firstUnixMs: AT, lastUnixMs: AT }, true)).toBe(
      'Busiest syscalls, fleet-wide, container docker:3f2a, 2026-11-30 07:00:00 – 07:00:00 UTC (0.0 s)',
    );
  });

  it("names an agent run's kernel filters", () => {
    expect(agentFilterText({ pid: 7, comm: 'cc1', syscall: 'read,write' })).toBe(
      'pid 7, comm cc1, syscalls read,write',
    );
    expect(withFilters("Failed syscalls, 'make'", agentFilterText({}))).toBe("Failed syscalls, 'make'");
  });
});
