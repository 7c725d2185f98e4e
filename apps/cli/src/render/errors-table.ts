import { Display, Format } from '../options/format';
import { renderCsv, renderGrid } from './grid';
import { countText } from './human';
import { renderJson } from './json';
import { nrJson, SyscallRef, syscallCells } from './syscall-cells';
import { titleLine } from './escape';

/** A syscall's calls on this host, and how many failed with which errno. */
export interface ErrorRow extends SyscallRef {
  count: number;
  failed: number;
  errnos: Array<{ errno: number; name: string; count: number }>;
}

const share = (part: number, whole: number) => (whole ? ((part * 100) / whole).toFixed(1) : '0.0');
const errnoList = (r: ErrorRow, sep: string, exact = true) =>
  r.errnos.map((e) => `${e.name}:${countText(e.count, exact)}`).join(sep);

/** @calls: every call counted, failed or not (also of syscalls not in @rows). */
export function renderErrors(
  rows: ErrorRow[],
  calls: number,
  view: { format: Format; top: number; title: string; display: Display },
): string {
  const failed = rows.reduce((s, r) => s + r.failed, 0);
  if (view.format === 'json') {
    return renderJson({ total: calls, failed, syscalls: rows.map((r) => ({ ...r, nr: nrJson(r.nr) })) });
  }
  if (view.format === 'csv') {
    return renderCsv(
      ['syscall_nr', 'name', 'count', 'failed', 'failed_pct', 'errnos'],
      rows.map((r) => [
        ...syscallCells(r, ''),
        String(r.count),
        String(r.failed),
        share(r.failed, r.count),
        errnoList(r, ' '),
      ]),
    );
  }
  const d = view.display;
  const grid = renderGrid(
    ['SYSCALL#', 'NAME', 'COUNT', 'FAILED', 'FAILED %', 'TOP ERRNOS'],
    rows
      .slice(0, view.top)
      .map((r) => [
        ...syscallCells(r, '-'),
        countText(r.count, d.exact),
        countText(r.failed, d.exact),
        share(r.failed, r.count),
        errnoList(r, ', ', d.exact).split(', ').slice(0, 3).join(', '),
      ]),
    ['right', 'left', 'right', 'right', 'right', 'left'],
    d.color,
    { elidable: [false, true, false, false, false, true], width: d.width },
  );
  const [f, c] = [countText(failed, d.exact), countText(calls, d.exact)];
  const total = `Failed calls: ${f} of ${c} (${share(failed, calls)}%)`;
  return [titleLine(view.title), grid, total].join('\n') + '\n';
}
