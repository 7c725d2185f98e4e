import { Scope } from '@syscall-counter/proto';
import { usageError } from '../errors';
import { hostFields } from '../options/scope';
import { parseTimePoint } from '../time-window';

/**
 * One side of a diff, as typed on the command line:
 *   RUN_ID                         a whole run (or a unique prefix of its id: see fetch.ts)
 *   HOST[,HOST...]@SINCE[..UNTIL]  a window of one host or several ("web-1@48h..24h",
 *                                  "web-1,web-2@2026-11-23T10:00Z..2026-11-23T11:00Z")
 *   @SINCE[..UNTIL]                a window of the whole fleet
 * SINCE and UNTIL take the same forms as --since/--until; UNTIL defaults to now.
 */
export function parseSide(spec: string, now = Date.now()): { scope: Scope; label: string } {
  const at = spec.indexOf('@');
  if (at < 0) {
    if (!spec) throw usageError('an empty run id: name a run (see `syscall-counter runs`) or HOST@SINCE..UNTIL');
    return {
      scope: {
        hostId: '',
        hostIds: [],
        runId: spec,
        sinceUnixMs: '0',
        untilUnixMs: '0',
        pid: 0,
        comm: '',
        container: '',
      },
      label: `run ${spec}`,
    };
  }
  const host = spec.slice(0, at);
  const hosts = host ? host.split(',') : [];
  if (hosts.some((h) => !h)) throw usageError(`cannot read '${spec}' as a window: HOST,HOST@SINCE..UNTIL names hosts`);
  const [since, until, extra] = spec.slice(at + 1).split('..');
  if (!since || extra !== undefined) {
    throw usageError(`cannot read '${spec}' as a window: use HOST@SINCE..UNTIL, e.g. web-1@48h..24h`);
  }
  const from = parseTimePoint(since, now);
  const to = until ? parseTimePoint(until, now) : now;
  if (to <= from) throw usageError(`the window '${spec}' ends before it starts`);
  return {
    scope: {
      ...hostFields(hosts),
      runId: '',
      sinceUnixMs: String(from),
      untilUnixMs: String(to),
      pid: 0,
      comm: '',
      container: '',
    },
    label: `${host || 'fleet'} ${new Date(from).toISOString()}..${new Date(to).toISOString()}`.replace(/\.000Z/g, 'Z'),
  };
}
