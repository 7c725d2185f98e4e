import type { KeyedCount } from '../queries/data/counts.repository';

/** Sums keyed as TallyService keys them (`k`, or `k` NUL `l` for two-part keys), for comparing answers. */
export function keyed(rows: KeyedCount[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const r of rows) {
    const k = r.l !== null ? `${r.k}\u0000${r.l}` : String(r.k);
    out.set(k, (out.get(k) ?? 0n) + r.c);
  }
  return out;
}

/** A tally's answer with its keys as strings, to compare with keyed(). */
export const asStrings = (m: Map<number | string, bigint>) => new Map([...m].map(([k, c]) => [String(k), c]));
