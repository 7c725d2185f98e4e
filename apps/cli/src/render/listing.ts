import { Host, Run } from '@syscall-counter/proto';
import { Format } from '../options/format';
import { formatTime } from '../time-window';
import { Align, renderCsv, renderGrid } from './grid';
import { renderJson } from './json';

/** A list of things the control plane knows: a grid, CSV with the same columns, or its records as JSON. */
interface Listing {
  head: string[];
  aligns: Align[];
  rows: string[][];
  json: unknown;
}

export function hostsListing(hosts: Host[]): Listing {
  return {
    head: ['HOST', 'HOSTNAME', 'KERNEL', 'ARCH', 'RUNS', 'FIRST SEEN', 'LAST SEEN', 'TOTAL'],
    aligns: ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right'],
    rows: hosts.map((h) => [
      h.hostId,
      h.hostname,
      h.kernelRelease,
      h.arch,
      String(h.runs),
      formatTime(h.firstSeenUnixMs),
      formatTime(h.lastSeenUnixMs),
      h.total,
    ]),
    json: hosts,
  };
}

export function runsListing(runs: Run[]): Listing {
  return {
    head: ['RUN', 'HOST', 'SCOPE', 'MAP', 'INTERVAL', 'STARTED', 'LAST SEEN', 'SNAPSHOTS', 'TOTAL', 'DONE'],
    aligns: ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'right', 'left'],
    rows: runs.map((r) => [
      r.runId,
      r.hostId,
      r.scope,
      r.mapMode,
      `${r.intervalMs / 1000} s`,
      formatTime(r.startedUnixMs),
      formatTime(r.lastSeenUnixMs),
      r.lastSeq,
      r.total,
      r.finished ? 'yes' : 'no',
    ]),
    json: runs,
  };
}

/** CSV headers are the table's, lower-case with underscores (first_seen, last_seen, ...). */
export function renderListing(l: Listing, format: Format, color: boolean): string {
  if (format === 'json') return renderJson(l.json);
  if (format === 'csv')
    return renderCsv(
      l.head.map((h) => h.toLowerCase().replace(' ', '_')),
      l.rows,
    );
  return renderGrid(l.head, l.rows, l.aligns, color) + '\n';
}
