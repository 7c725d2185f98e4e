import { TopResponse } from '@syscall-counter/proto';
import { Arch, errnoName } from '@syscall-counter/syscall-table';
import { Display, Format } from '../options/format';
import { By, topSeconds } from '../queries/top';
import { nameTable, syscallLabel } from '../syscalls';
import { formatTime } from '../time-window';
import { renderCsv } from './grid';
import { countText } from './human';
import { renderJson } from './json';
import { nrJson, syscallCells } from './syscall-cells';
import { BY_NOUN } from './titles';
import { GroupRow, renderGrouped, renderTop, sortRows, TopRow } from './top-table';

export interface TopRendering {
  by: By;
  format: Format;
  top: number;
  /** The table's first line (tables only). */
  title: string;
  /** --arch; else the hosts' own table names the syscalls. */
  arch: Arch | undefined;
  display: Display;
}

/** A Top answer as a table, CSV or JSON; a table ends with a note when some calls could not be attributed. */
export function renderTopResponse(resp: TopResponse, r: TopRendering): string {
  const text = r.by === 'syscall' ? renderSyscalls(resp, r) : renderGroups(resp, { ...r, by: r.by });
  const lost = BigInt(resp.unattributed || '0');
  if (r.format !== 'table' || lost === 0n) return text;
  const what = r.by === 'container' ? 'cgroup' : 'process';
  const calls = `${countText(lost, r.display.exact)} calls`;
  const note =
    r.by === 'process' || r.by === 'container'
      ? `Unattributed: ${calls} (all syscalls) found the agents' per-${what} map full ` +
        `(agent --proc-entries); they are in "other".`
      : `Unattributed: ${calls} in this window found an agent's per-process or per-cgroup map full: ` +
        'the counts above are a lower bound.';
  return text + note + '\n';
}

/** Rows named with the requested table, else the hosts' own (hosts of mixed arches need --arch). */
export function namedRows(resp: TopResponse, arch: Arch | undefined): { rows: TopRow[]; table: Arch | undefined } {
  const table = nameTable(arch, resp.arch);
  const rows = resp.rows.map((r) => ({ nr: r.nr, name: syscallLabel(r.nr, table), count: BigInt(r.count) }));
  return { rows: sortRows(rows), table };
}

function renderSyscalls(resp: TopResponse, r: TopRendering): string {
  const seconds = topSeconds(resp);
  const { rows, table } = namedRows(resp, r.arch);
  if (r.format === 'csv') {
    return renderCsv(
      ['syscall_nr', 'name', 'count'],
      rows.map((row) => [...syscallCells(row, ''), row.count.toString()]),
    );
  }
  if (r.format === 'json') {
    return renderJson({
      arch: table ?? null,
      seconds,
      first: formatTime(resp.firstUnixMs),
      last: formatTime(resp.lastUnixMs),
      total: resp.total,
      syscalls: rows.map((row) => ({ nr: nrJson(row.nr), name: row.name, count: row.count.toString() })),
    });
  }
  return renderTop({ title: r.title, seconds, rows, top: r.top, display: r.display });
}

interface Grouping {
  /** The key's column: its CSV name, upper case in tables. */
  key: string;
  /** The label's column, for rows that carry one (host and run rows do not). */
  label?: string;
  /** The key's name in JSON rows. */
  jsonKey: string;
  /** JSON carries the key as a number (pid, errno). */
  numericKey: boolean;
  /** JSON carries the calls the agents could not attribute (per-process and per-cgroup maps). */
  unattributed: boolean;
  row: (r: TopResponse['rows'][number]) => { key: string; label?: string };
}

const byKey = (r: { key: string }) => ({ key: r.key });

const GROUPINGS: Record<Exclude<By, 'syscall'>, Grouping> = {
  host: { key: 'host', jsonKey: 'key', numericKey: false, unattributed: false, row: byKey },
  run: { key: 'run', jsonKey: 'key', numericKey: false, unattributed: false, row: byKey },
  process: {
    key: 'pid',
    label: 'comm',
    jsonKey: 'pid',
    numericKey: true,
    unattributed: true,
    row: (r) => ({ key: r.key, label: r.label }),
  },
  errno: {
    key: 'errno',
    label: 'name',
    jsonKey: 'errno',
    numericKey: true,
    unattributed: false,
    row: (r) => ({ key: r.key, label: errnoName(Number(r.key)) }),
  },
  // The calls of cgroups outside each interval's top K come back with an empty key.
  container: {
    key: 'container',
    label: 'cgroup',
    jsonKey: 'container',
    numericKey: false,
    unattributed: true,
    row: (r) => ({ key: r.key || 'other', label: r.key ? r.label : '' }),
  },
};

/** --by host|run|process|container|errno: a key (and a label) per row. */
function renderGroups(resp: TopResponse, r: TopRendering & { by: Exclude<By, 'syscall'> }): string {
  const g = GROUPINGS[r.by];
  const seconds = topSeconds(resp);
  const rows: GroupRow[] = resp.rows.map((w) => ({ ...g.row(w), count: BigInt(w.count) }));
  const names = (row: GroupRow) => (g.label ? [row.key, row.label ?? ''] : [row.key]);
  if (r.format === 'csv') {
    const head = g.label ? [g.key, g.label, 'count'] : [g.key, 'count'];
    return renderCsv(
      head,
      rows.map((row) => [...names(row), row.count.toString()]),
    );
  }
  if (r.format === 'json') {
    return renderJson({
      by: r.by,
      seconds,
      total: resp.total,
      ...(g.unattributed ? { unattributed: resp.unattributed } : {}),
      rows: rows.map((row) => ({
        [g.jsonKey]: g.numericKey ? Number(row.key) : row.key,
        ...(g.label ? { [g.label]: row.label } : {}),
        count: row.count.toString(),
      })),
    });
  }
  return renderGrouped({
    title: r.title,
    keyHeader: g.key.toUpperCase(),
    labelHeader: g.label?.toUpperCase(),
    numericKey: g.numericKey,
    noun: BY_NOUN[r.by],
    rows,
    seconds,
    top: r.top,
    display: r.display,
  });
}
