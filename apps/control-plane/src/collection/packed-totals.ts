/**
 * A run's cumulative count per syscall, packed into one column of its `runs` row (`runs.totals`)
 * instead of one `run_totals` row per syscall: a batch already rewrites the run's row to advance
 * it, so the totals ride along in that update instead of costing 60 upserts (on PostgreSQL, 60 new
 * tuple versions, index probes and WAL records) per snapshot. The text is a JSON object
 * `{"nr":count,...}` sorted by nr, so both engines can unpack it in SQL (`json_each`): the
 * `run_totals` view (migration 1766300000000) gives the old rows to every reader.
 *
 * Ingest packs and unpacks a few of these per snapshot (run, host and rollup rows), so both are
 * written as single passes over the text (no regex, no intermediate arrays when already sorted).
 */
export function packTotals(totals: Map<number, bigint>): string {
  let sorted = true;
  let prev = -1;
  for (const nr of totals.keys()) {
    if (nr < prev) {
      sorted = false;
      break;
    }
    prev = nr;
  }
  const entries = sorted ? totals : [...totals].sort((a, b) => a[0] - b[0]);
  let text = '{';
  for (const [nr, count] of entries) text += `${text.length > 1 ? ',' : ''}"${nr}":${count}`;
  return `${text}}`;
}

// Whitespace allowed: PostgreSQL's json_object_agg (the migration's backfill) writes `{ "0" : 5 }`.
const PAIR = /"(\d+)"\s*:\s*(\d+)/g;

/** Digits a Number holds exactly (below 2^53): shorter counts skip BigInt's string parser. */
const SAFE_DIGITS = 15;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The totals packed by packTotals (or the migration); exact beyond 2^53 (no JSON.parse). */
export function unpackTotals(text: string | null | undefined): Map<number, bigint> {
  if (!text) return new Map();
  return scanPairs(text) ?? regexPairs(text);
}

/** The pairs of a well-formed `{"nr":count,...}` (any JSON whitespace); null on anything else. */
function scanPairs(text: string): Map<number, bigint> | null {
  const out = new Map<number, bigint>();
  const n = text.length;
  let i = 0;
  const skip = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  skip();
  if (text.charCodeAt(i++) !== 123 /* { */) return null;
  skip();
  // The closing brace ends the text (bar whitespace): anything after it is left to the old reader.
  const end = () => {
    skip();
    return i === n ? out : null;
  };
  if (text.charCodeAt(i) === 125 /* } */) return (i++, end());
  for (;;) {
    if (text.charCodeAt(i++) !== 34 /* " */) return null;
    let nr = 0;
    const nrStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) nr = nr * 10 + text.charCodeAt(i++) - 48;
    if (i === nrStart || i - nrStart > SAFE_DIGITS || text.charCodeAt(i++) !== 34) return null;
    skip();
    if (text.charCodeAt(i++) !== 58 /* : */) return null;
    skip();
    const start = i;
    let small = 0;
    while (i < n && isDigit(text.charCodeAt(i))) small = small * 10 + text.charCodeAt(i++) - 48;
    if (i === start) return null;
    out.set(nr, i - start <= SAFE_DIGITS ? BigInt(small) : BigInt(text.slice(start, i)));
    skip();
    const c = text.charCodeAt(i++);
    if (c === 125 /* } */) return end();
    if (c !== 44 /* , */) return null;
    skip();
  }
}

/** The old reader, for text the scanner does not expect: every `"nr":count` pair in it. */
function regexPairs(text: string): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const m of text.matchAll(PAIR)) out.set(Number(m[1]), BigInt(m[2]));
  return out;
}
