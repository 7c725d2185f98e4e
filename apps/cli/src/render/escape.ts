/**
 * What the CLI prints comes from every agent of the fleet (hostnames, process names, cgroup
 * paths): a hostile one could hold terminal escapes or bidi overrides that rewrite the screen,
 * or a CSV cell that a spreadsheet runs as a formula. These make such text inert.
 */

/** C0, DEL and C1 controls, and the bidi marks and overrides. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The colour sequences the CLI itself writes (picocolors): kept when colour is on. */
const SGR = /(\u001b\[[0-9;]*m)/;

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** @text with every control and bidi character shown as \xNN or \uNNNN; colour sequences kept if @keepColor. */
export function printable(text: string, keepColor = false): string {
  if (!keepColor) return text.replace(UNPRINTABLE, escapeChar);
  return text
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(UNPRINTABLE, escapeChar)))
    .join('');
}

/** A title or header line above a table (host names, run ids, labels from the server): as inert as its cells. */
export function titleLine(title: string, bold?: (s: string) => string): string {
  return bold ? bold(printable(title)) : printable(title);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?%?$/i;

/** A CSV cell a spreadsheet cannot take for a formula: text starting with = + - @ gets a leading '. */
export function csvSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}
