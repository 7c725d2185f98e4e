import stringWidth from 'string-width';

/**
 * Tables that fit the terminal. A cell's width is what the terminal shows (string-width: East Asian
 * wide characters and emoji take two columns, colour codes none), not its length in UTF-16 units.
 */

export const ELLIPSIS = '…';

/** The narrowest an elided column gets: enough for a recognisable head and tail ("dock…cope"). */
const MIN_ELIDED = 12;

/** Columns a cell takes on the screen. */
export const cellWidth = (text: string): number => stringWidth(text);

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * @text in at most @width columns with its middle replaced by '…': '/sys/fs/…/docker-3f2a.scope'.
 * The tail gets the odd column: a path's last part (the unit, the container) says the most, and
 * the head still carries the prefix that --run and --container accept.
 */
export function elideMiddle(text: string, width: number): string {
  if (cellWidth(text) <= width) return text;
  if (width < 2) return ELLIPSIS.slice(0, width);
  const chars = [...segmenter.segment(text)].map((s) => s.segment);
  const budget = width - 1;
  const headMax = Math.floor(budget / 2);
  let head = '';
  let used = 0;
  for (const c of chars) {
    if (used + cellWidth(c) > headMax) break;
    head += c;
    used += cellWidth(c);
  }
  let tail = '';
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = cellWidth(chars[i]);
    if (used + w > budget) break;
    tail = chars[i] + tail;
    used += w;
  }
  return head + ELLIPSIS + tail;
}

/** " a | b | c": one leading space, " | " between cells, the trailing padding trimmed. */
export function lineWidth(widths: number[]): number {
  return widths.length ? 1 + widths.reduce((s, w) => s + w, 0) + 3 * (widths.length - 1) : 0;
}

/**
 * The width of each column so that a line fits @maxWidth: the widest elidable column gives up a
 * column at a time (never below its header or MIN_ELIDED). Other columns (numbers) keep theirs:
 * a number cut in the middle would lie. Undefined @maxWidth: every column at its natural width.
 */
export function fitWidths(head: string[], rows: string[][], elidable: boolean[], maxWidth?: number): number[] {
  const widths = head.map((h, i) => Math.max(cellWidth(h), ...rows.map((r) => cellWidth(r[i] ?? ''))));
  if (maxWidth === undefined) return widths;
  const floor = head.map((h, i) => Math.min(widths[i], Math.max(cellWidth(h), MIN_ELIDED)));
  let excess = lineWidth(widths) - maxWidth;
  while (excess > 0) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (elidable[i] && w > floor[i] && (widest < 0 || w > widths[widest])) widest = i;
    });
    if (widest < 0) break; // as narrow as it gets: the terminal wraps the rest
    widths[widest]--;
    excess--;
  }
  return widths;
}

/** The narrowest a line of these columns gets: elidable ones at their floor. */
function narrowest(head: string[], rows: string[][], elidable: boolean[]): number {
  const widths = head.map((h, i) => Math.max(cellWidth(h), ...rows.map((r) => cellWidth(r[i] ?? ''))));
  return lineWidth(widths.map((w, i) => (elidable[i] ? Math.min(w, Math.max(cellWidth(head[i]), MIN_ELIDED)) : w)));
}

/**
 * The columns to show within @maxWidth: all of them if cutting ids and paths can make the line
 * fit, else without the @optional ones (in that order, the least useful first) until it does,
 * like kubectl's narrow and -o wide views.
 */
export function columnsToShow(
  head: string[],
  rows: string[][],
  elidable: boolean[],
  optional: number[],
  maxWidth?: number,
): number[] {
  let shown = head.map((_, i) => i);
  if (maxWidth === undefined) return shown;
  const pick = <T>(xs: T[]) => shown.map((i) => xs[i]);
  for (const drop of optional) {
    if (narrowest(pick(head), rows.map(pick), pick(elidable)) <= maxWidth) break;
    shown = shown.filter((i) => i !== drop);
  }
  return shown;
}

/** @rows with the cells of elidable columns cut in the middle to the widths that fit @maxWidth. */
export function fitRows(head: string[], rows: string[][], elidable: boolean[], maxWidth?: number): string[][] {
  if (maxWidth === undefined || !elidable.some(Boolean)) return rows;
  const widths = fitWidths(head, rows, elidable, maxWidth);
  return rows.map((r) => r.map((c, i) => (elidable[i] ? elideMiddle(c, widths[i]) : c)));
}

/**
 * How wide tables may be: COLUMNS when set (as in shells and ls), else the terminal's width; no
 * limit when stdout is not a terminal (a pipe to grep or a file keeps every id whole) or with --wide.
 */
export function terminalWidth(wide = false, env = process.env, out = process.stdout): number | undefined {
  if (wide) return undefined;
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return out.isTTY && out.columns > 0 ? out.columns : undefined;
}
