/**
 * PostgreSQL's errors that mean a concurrent writer (another replica, another connection) won a
 * race and that the same work, retried after this transaction ends, will succeed or find its
 * result already stored: a deadlock victim (40P01), a serialization failure (40001), or a unique
 * key the other writer inserted first (23505, e.g. a cgroup name both first met at once).
 * SQLite serialises its writers, so none of these reach its callers.
 */
const LOST_RACE_CODES = new Set(['40P01', '40001', '23505']);

export function lostRace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOST_RACE_CODES.has(code);
}

/** How often work that lost a race is tried again before its error is final. */
export const RACE_RETRIES = 3;
