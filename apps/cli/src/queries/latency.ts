import { LatencyResponse } from '@syscall-counter/proto';
import { nameTable, syscallLabel } from '../syscalls';

interface Bucket {
  from_ns: number;
  to_ns: number;
  count: number;
}

/** A syscall's latency as the agent reports it (snake_case, as in its JSON), here or from the history. */
export interface Latency {
  timed: number;
  total_ns: number;
  avg_ns: number;
  p50_ns: number;
  p99_ns: number;
  unreturned: number;
  hist: Bucket[];
}

export interface LatencyRow {
  nr: number;
  name: string;
  count: number;
  latency: Latency;
}

/** Bucket b holds [2^b, 2^(b+1)) ns: its midpoint estimates a percentile within a factor of 1.5 (as the agent does). */
const bucketMid = (b: number) => (b === 0 ? 1 : 1.5 * 2 ** b);

/** A stored histogram as the agent reports one: calls timed, average, p50/p99 estimates, buckets. */
export function summarise(buckets: number[], totalNs: number, unreturned: number): Latency {
  const timed = buckets.reduce((s, c) => s + c, 0);
  let seen = 0;
  let p50 = 0;
  let p99 = 0;
  for (let b = 0; b < buckets.length && timed > 0; b++) {
    seen += buckets[b];
    if (!p50 && seen * 2 >= timed) p50 = bucketMid(b);
    if (seen * 100 >= timed * 99) {
      p99 = bucketMid(b);
      break;
    }
  }
  const hist = buckets.flatMap((count, b) =>
    count ? [{ from_ns: b === 0 ? 0 : 2 ** b, to_ns: 2 ** (b + 1), count }] : [],
  );
  return { timed, total_ns: totalNs, avg_ns: timed ? totalNs / timed : 0, p50_ns: p50, p99_ns: p99, unreturned, hist };
}

/** The rows of a Latency answer, named like the agent's own report; COUNT is the calls timed or unreturned. */
export function latencyRows(resp: LatencyResponse): LatencyRow[] {
  const table = nameTable(undefined, resp.arch);
  return resp.rows.map((r) => {
    const latency = summarise(r.buckets.map(Number), Number(r.totalNs), Number(r.unreturned));
    return { nr: r.nr, name: syscallLabel(r.nr, table), count: latency.timed + latency.unreturned, latency };
  });
}
