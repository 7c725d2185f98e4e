import { Host, Run } from '@syscall-counter/proto';
import { Display, Format } from '../options/format';
import { formatTime } from '../time-window';
import { displayClock, zoneName } from './clock';
import { Align, renderCsv, renderGrid } from './grid';
import { countText } from './human';
import { renderJson } from './json';

/** A list of things the control plane knows: a grid, CSV with the same columns, or its records as JSON. */
interface Listing {
  head: string[];
  aligns: Align[];
  /** Columns a narrow terminal may cut in the middle: ids, names, paths. */
  elidable: boolean[];
  /** Columns a narrow terminal may leave out, the least useful first. */
  optional: number[];
  /** The columns holding a time (ISO UTC in CSV, the display's clock in tables) and holding a count. */
  times: number[];
  counts: number[];
  rows: RowValues[];
  json: unknown;
}

/** A row's cells; times as unix ms and counts as decimal strings, formatted per output. */
type RowValues = string[];

/** The agent's average BPF time per syscall (kernel run-time statistics), '-' when none were reported. */
function bpfNsPerCall(x: { bpfRunTimeNs: string; bpfRuns: string }): string {
  const runs = BigInt(x.bpfRuns || '0');
  return runs > 0n ? String((BigInt(x.bpfRunTimeNs || '0') + runs / 2n) / runs) : '-';
}

export function hostsListing(hosts: Host[]): Listing {
  return {
    head: ['HOST', 'HOSTNAME', 'KERNEL', 'ARCH', 'RUNS', 'FIRST SEEN', 'LAST SEEN', 'TOTAL', 'BPF NS'],
    aligns: ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'right'],
    elidable: [true, true, true, false, false, false, false, false, false],
    optional: [8, 5, 2, 3, 4],
    times: [5, 6],
    counts: [7],
    rows: hosts.map((h) => [
      h.hostId,
      h.hostname,
      h.kernelRelease,
      h.arch,
      String(h.runs),
      String(h.firstSeenUnixMs),
      String(h.lastSeenUnixMs),
      h.total,
      bpfNsPerCall(h),
    ]),
    json: hosts,
  };
}

export function runsListing(runs: Run[]): Listing {
  return {
    head: ['RUN', 'HOST', 'SCOPE', 'MAP', 'INTERVAL', 'STARTED', 'LAST SEEN', 'SNAPSHOTS', 'TOTAL', 'DONE', 'BPF NS'],
    aligns: ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'right', 'left', 'right'],
    elidable: [true, true, true, false, false, false, false, false, false, false, false],
    optional: [10, 3, 4, 7, 2, 6],
    times: [5, 6],
    counts: [7, 8],
    rows: runs.map((r) => [
      r.runId,
      r.hostId,
      r.scope,
      r.mapMode,
      `${r.intervalMs / 1000} s`,
      String(r.startedUnixMs),
      String(r.lastSeenUnixMs),
      r.lastSeq,
      r.total,
      r.finished ? 'yes' : 'no',
      bpfNsPerCall(r),
    ]),
    json: runs,
  };
}

/** A listing's cells for a table: times on the display's clock (its zone in the header), counts for a person. */
function tableCells(l: Listing, d: Display): { head: string[]; rows: string[][] } {
  const zone = zoneName(d.utc);
  return {
    head: l.head.map((h, i) => (l.times.includes(i) ? `${h} ${zone}` : h)),
    rows: l.rows.map((r) =>
      r.map((c, i) =>
        l.times.includes(i) ? displayClock(c, d.utc) : l.counts.includes(i) ? countText(BigInt(c), d.exact) : c,
      ),
    ),
  };
}

/** CSV headers are the table's, lower-case with underscores (first_seen, last_seen, ...); times ISO 8601 UTC. */
export function renderListing(l: Listing, format: Format, display: Display): string {
  if (format === 'json') return renderJson(l.json);
  if (format === 'csv')
    return renderCsv(
      l.head.map((h) => h.toLowerCase().replace(' ', '_')),
      l.rows.map((r) => r.map((c, i) => (l.times.includes(i) ? formatTime(c) : c))),
    );
  const { head, rows } = tableCells(l, display);
  return (
    renderGrid(head, rows, l.aligns, display.color, {
      elidable: l.elidable,
      width: display.width,
      optional: l.optional,
    }) + '\n'
  );
}
