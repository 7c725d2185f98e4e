import { SYSCALL_NR_OTHER } from '@syscall-counter/syscall-table';
import { latencyRows, summarise } from './latency';

describe('summarise: a stored log2 histogram as the agent reports one', () => {
  it('counts the timed calls and estimates p50/p99 at the midpoints of their buckets', () => {
    // 4 calls in [4, 8) ns, 1 in [32, 64) ns.
    expect(summarise([0, 0, 4, 0, 0, 1], 100, 2)).toEqual({
      timed: 5,
      total_ns: 100,
      avg_ns: 20,
      p50_ns: 6,
      p99_ns: 48,
      unreturned: 2,
      hist: [
        { from_ns: 4, to_ns: 8, count: 4 },
        { from_ns: 32, to_ns: 64, count: 1 },
      ],
    });
  });

  it('starts the first bucket at 0 and reports nothing timed as zeros', () => {
    expect(summarise([3], 3, 0).hist).toEqual([{ from_ns: 0, to_ns: 2, count: 3 }]);
    expect(summarise([0, 0], 0, 7)).toMatchObject({ timed: 0, avg_ns: 0, p50_ns: 0, p99_ns: 0, unreturned: 7 });
  });
});

describe('latencyRows', () => {
  it("names rows with the hosts' table and counts calls timed or unreturned", () => {
    const rows = latencyRows({
      arch: 'x86_64',
      firstUnixMs: '1',
      lastUnixMs: '2',
      rows: [
        { nr: 0, buckets: ['0', '2'], totalNs: '6', unreturned: '1' },
        { nr: SYSCALL_NR_OTHER, buckets: ['1'], totalNs: '1', unreturned: '0' },
      ],
    });
    expect(rows.map((r) => [r.nr, r.name, r.count])).toEqual([
      [0, 'read', 3],
      [SYSCALL_NR_OTHER, 'other', 1],
    ]);
  });
});
