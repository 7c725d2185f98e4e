/**
 * A snapshot's host-wide deltas as its one `snapshot_counts` row (migration 1766600000000) instead
 * of a `deltas` row per syscall: sent as the same `{"nr":count,...}` text as the packed run and host
 * totals (stored as JSONB; read back as text, unpackTotals in packed-totals.ts gives it exactly),
 * from the [nr, delta, ...] rows snapshot-check gives, already sorted by nr. Null when the interval
 * counted nothing (no row).
 */
export function packDeltas(deltas: ReadonlyArray<readonly [number, bigint, ...unknown[]]>): string | null {
  if (deltas.length === 0) return null;
  let text = '{';
  for (let i = 0; i < deltas.length; i++) text += `${i ? ',' : ''}"${deltas[i][0]}":${deltas[i][1]}`;
  return `${text}}`;
}
