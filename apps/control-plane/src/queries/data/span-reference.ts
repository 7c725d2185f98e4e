/**
 * The span as it was read before runs.last_hour_ms and runs.last_ms: three index seeks into
 * snapshots for every run ever stored (params: since, until, since, until). Not used by queries:
 * the reference that span-cost.spec.ts and tools/bench/span-cost.mjs compare CountsRepository.span
 * with, for its answers and for the cost the new one must not pay.
 */
export const EVERY_RUN_SPAN = `
  SELECT MIN(COALESCE((SELECT MAX(p.time_ms) FROM snapshots p WHERE p.run_id = x.run_id AND p.time_ms < x.first_t),
                      x.started_ms)) AS first,
         MAX(x.last_t) AS last, COUNT(DISTINCT x.arch) AS arches, MIN(x.arch) AS arch
    FROM (SELECT r.run_id, r.started_ms, r.arch,
                 (SELECT MIN(s.time_ms) FROM snapshots s WHERE s.run_id = r.run_id AND s.time_ms >= ? AND s.time_ms < ?)
                   AS first_t,
                 (SELECT MAX(s.time_ms) FROM snapshots s WHERE s.run_id = r.run_id AND s.time_ms >= ? AND s.time_ms < ?)
                   AS last_t
            FROM runs r) x
   WHERE x.first_t IS NOT NULL`;
