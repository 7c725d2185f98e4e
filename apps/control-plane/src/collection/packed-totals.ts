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
  const out = new Map<number, bigint>();
  if (!text) return out;
  const ok = scanPairs(text, (nr, start, end, small) =>
    out.set(nr, end - start <= SAFE_DIGITS ? BigInt(small) : BigInt(text.slice(start, end))),
  );
  return ok ? out : regexPairs(text);
}

/**
 * packTotals of (unpackTotals(@text) plus @add, per nr): the same text, written by merging the
 * stored pairs with @add in nr order instead of going through a Map of BigInts (ingest does this
 * for two rollup rows per snapshot). Sums below 2^53 are added as Numbers (exact there).
 */
export function addToPacked(text: string | null | undefined, add: Map<number, bigint>): string {
  const stored: Array<[number, number, number, number]> = [];
  let prev = -1;
  const ok =
    !text ||
    scanPairs(text, (nr, start, end, small) => {
      if (nr <= prev) return false; // not strictly in nr order: left to the Map
      prev = nr;
      stored.push([nr, start, end, small]);
    });
  if (!ok) {
    const counts = unpackTotals(text);
    for (const [nr, c] of add) counts.set(nr, (counts.get(nr) ?? 0n) + c);
    return packTotals(counts);
  }
  const adds = [...add].sort((a, b) => a[0] - b[0]);
  let out = '{';
  const put = (nr: number, count: string | bigint) => (out += `${out.length > 1 ? ',' : ''}"${nr}":${count}`);
  let i = 0;
  for (const [nr, start, end, small] of stored) {
    for (; i < adds.length && adds[i][0] < nr; i++) put(adds[i][0], adds[i][1]);
    const plus = i < adds.length && adds[i][0] === nr ? adds[i++][1] : undefined;
    const safe = end - start <= SAFE_DIGITS;
    if (plus === undefined) put(nr, safe ? String(small) : BigInt(text!.slice(start, end)));
    else if (safe && plus >= 0n && plus < SAFE_ADD) put(nr, String(small + Number(plus)));
    else put(nr, (safe ? BigInt(small) : BigInt(text!.slice(start, end))) + plus);
  }
  for (; i < adds.length; i++) put(adds[i][0], adds[i][1]);
  return `${out}}`;
}

/** A delta added as a Number to a count of at most 15 digits: the sum stays below 2^53. */
const SAFE_ADD = 2n ** 52n;

/**
 * Calls @pair(nr, start, end, value) for each pair of a well-formed `{"nr":count,...}` (any JSON
 * whitespace), the count's digits being text[start, end) and value their Number (exact up to
 * SAFE_DIGITS digits). False on anything else, or when @pair returns false.
 */
function scanPairs(text: string, pair: (nr: number, start: number, end: number, value: number) => unknown): boolean {
  const n = text.length;
  let i = 0;
  const skip = () => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  // The closing brace ends the text (bar whitespace): anything after it is left to the old reader.
  const end = () => {
    skip();
    return i === n;
  };
  skip();
  if (text.charCodeAt(i++) !== 123 /* { */) return false;
  skip();
  if (text.charCodeAt(i) === 125 /* } */) return (i++, end());
  for (;;) {
    if (text.charCodeAt(i++) !== 34 /* " */) return false;
    let nr = 0;
    const nrStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) nr = nr * 10 + text.charCodeAt(i++) - 48;
    if (i === nrStart || i - nrStart > SAFE_DIGITS || text.charCodeAt(i++) !== 34) return false;
    skip();
    if (text.charCodeAt(i++) !== 58 /* : */) return false;
    skip();
    const start = i;
    let value = 0;
    while (i < n && isDigit(text.charCodeAt(i))) value = value * 10 + text.charCodeAt(i++) - 48;
    if (i === start || pair(nr, start, i, value) === false) return false;
    skip();
    const c = text.charCodeAt(i++);
    if (c === 125 /* } */) return end();
    if (c !== 44 /* , */) return false;
    skip();
  }
}

/** The old reader, for text the scanner does not expect: every `"nr":count` pair in it. */
function regexPairs(text: string): Map<number, bigint> {
  const out = new Map<number, bigint>();
  for (const m of text.matchAll(PAIR)) out.set(Number(m[1]), BigInt(m[2]));
  return out;
}
