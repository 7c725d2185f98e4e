// The queries query-latency.mjs times, by kind of history: host-wide counts, per process
// (--processes) or per container (--cgroups). Each case is [name, QueryService method, request].
import { proto } from './sim-agent.mjs';

const HOUR = 3_600_000;

/**
 * The cases over a history of @hours ending at @end (unix ms), started at @start; @oneHost is
 * the host of the one-host cases. Windows end at end + 1 and start at unaligned times, as a
 * `--since 1h` typed at any moment does.
 */
export function queryCases({ start, end, hours, oneHost, processes, cgroups }) {
  const scope = (extra = {}) => ({
    hostId: '',
    runId: '',
    sinceUnixMs: String(start),
    untilUnixMs: String(end + 1),
    pid: 0,
    comm: '',
    container: '',
    hostIds: [],
    ...extra,
  });
  const lastHour = { sinceUnixMs: String(end - HOUR), untilUnixMs: String(end + 1) };
  const one = (extra = {}) => scope({ hostId: oneHost, ...extra });
  const top = (s, by, extra = {}) => ({ scope: s, by: proto.GroupBy[`GROUP_BY_${by}`], limit: 15, ...extra });
  if (cgroups) {
    return [
      ['top --by container, one host, last hour', 'top', top(one(lastHour), 'CONTAINER')],
      [
        'top --container ID, one host, last hour',
        'top',
        top(one({ container: 'docker:0001abababab', ...lastHour }), 'SYSCALL'),
      ],
      ['top --by container, fleet-wide, last hour', 'top', top(scope(lastHour), 'CONTAINER')],
      [
        'diff --by container, one host, two half hours',
        'diff',
        {
          a: one({ sinceUnixMs: String(end - HOUR), untilUnixMs: String(end - HOUR / 2) }),
          b: one({ sinceUnixMs: String(end - HOUR / 2) }),
          by: proto.GroupBy.GROUP_BY_CONTAINER,
        },
      ],
    ];
  }
  if (processes) {
    return [
      ['top --by process, one host, last hour', 'top', top(one(lastHour), 'PROCESS')],
      ['top --by process --syscall, one host, last hour', 'top', top(one(lastHour), 'PROCESS', { syscallNr: 4 })],
      ['top --by process, fleet-wide, last hour', 'top', top(scope(lastHour), 'PROCESS')],
    ];
  }
  const mid = start + Math.floor(hours / 2) * HOUR;
  return [
    ['top, fleet-wide, whole history', 'top', top(scope(), 'SYSCALL')],
    ['top, one host, whole history', 'top', top(one(), 'SYSCALL')],
    ['top --by host, whole history', 'top', { ...top(scope(), 'HOST'), limit: 0 }],
    ['top, fleet-wide, last hour', 'top', top(scope(lastHour), 'SYSCALL')],
    ['top, one host, last hour', 'top', top(one(lastHour), 'SYSCALL')],
    ['series, one host, last hour', 'series', { scope: one(lastHour), bucketMs: '0', top: 5 }],
    ['series, fleet-wide, last hour', 'series', { scope: scope(lastHour), bucketMs: '0', top: 5 }],
    hours >= 2
      ? [
          'diff of two hours, one host',
          'diff',
          {
            a: one({ sinceUnixMs: String(mid - HOUR), untilUnixMs: String(mid) }),
            b: one({ sinceUnixMs: String(mid), untilUnixMs: String(mid + HOUR) }),
            by: proto.GroupBy.GROUP_BY_SYSCALL,
          },
        ]
      : [
          'diff of two half hours, one host',
          'diff',
          {
            a: one({ untilUnixMs: String(start + HOUR / 2) }),
            b: one({ sinceUnixMs: String(start + HOUR / 2) }),
            by: proto.GroupBy.GROUP_BY_SYSCALL,
          },
        ],
  ];
}
