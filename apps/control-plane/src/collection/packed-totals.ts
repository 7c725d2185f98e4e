/**
 * A run's cumulative count per syscall, packed into one column of its `runs` row (`runs.totals`)
 * instead of one `run_totals` row per syscall: a batch already rewrites the run's row to advance
 * it, so the totals ride along in that update instead of costing 60 upserts (on PostgreSQL, 60 new
 * tuple versions, index probes and WAL records) per snapshot. The text is a JSON object
 * `{"nr":count,...}` sorted by nr, so both engines can unpack it in SQL (`json_each`): the
 * `run_totals` view (migration 1766300000000) gives the old rows to every reader.
 */
export function packTotals(totals: Map<number, bigint>): string {
  const nrs = [...totals.keys()].sort((a, b) => a - b);
  return `{${nrs.map((nr) => `"${nr}":${totals.get(nr)}`).join(',')}}`;
}

// Whitespace allowed: PostgreSQL's json_object_agg (the migration's backfill) writes `{ "0" : 5 }`.
const PAIR = /"(\d+)"\s*:\s*(\d+)/g;

/** The totals packed by packTotals (or the migration); exact beyond 2^53 (no JSON.parse). */
export function unpackTotals(text: string | null | undefined): Map<number, bigint> {
  const out = new Map<number, bigint>();
  if (!text) return out;
  for (const m of text.matchAll(PAIR)) out.set(Number(m[1]), BigInt(m[2]));
  return out;
}
