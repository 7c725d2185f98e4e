import { status } from '@grpc/grpc-js';
import { Snapshot } from '@syscall-counter/proto';
import { toGrpcStatus } from '../common/grpc-status';
import { OTHER_NR } from '../common/syscall-nr';
import {
  validateCgroups,
  validateFailures,
  validateHello,
  validateLatency,
  validateProcesses,
  validateSnapshot,
  validateUnattributed,
} from './snapshot-validation';

const snap = (over: Partial<Snapshot>): Snapshot => ({
  runId: 'r',
  seq: '1',
  timeUnixMs: '0',
  counts: [],
  final: false,
  processes: [],
  cgroups: [],
  unattributed: '0',
  failures: [],
  latency: [],
  cgroupSyscalls: [],
  ...over,
});

function codeOf(fn: () => unknown): status | undefined {
  try {
    fn();
  } catch (e) {
    return toGrpcStatus(e).code;
  }
  return undefined;
}

describe('snapshot validation', () => {
  it('keeps non-zero counts exactly, with the other bucket under OTHER_NR', () => {
    const m = validateSnapshot(
      snap({
        counts: [
          { nr: 110, count: '18446744073709551' },
          { nr: -1, count: '2' },
          { nr: 3, count: '0' },
          { nr: OTHER_NR, count: '5' },
        ],
      }),
      'r',
    );
    expect([...m.entries()]).toEqual([
      [110, 18446744073709551n],
      [-1, 2n],
      [OTHER_NR, 5n],
    ]);
  });

  it.each([
    ['nr 1024', snap({ counts: [{ nr: 1024, count: '1' }] }), status.INVALID_ARGUMENT],
    ['nr -3', snap({ counts: [{ nr: -3, count: '1' }] }), status.INVALID_ARGUMENT],
    [
      'a repeated nr',
      snap({
        counts: [
          { nr: 1, count: '1' },
          { nr: 1, count: '2' },
        ],
      }),
      status.INVALID_ARGUMENT,
    ],
    ['a non-numeric count', snap({ counts: [{ nr: 1, count: '1e3' }] }), status.INVALID_ARGUMENT],
    ['2^63', snap({ counts: [{ nr: 1, count: '9223372036854775808' }] }), status.INVALID_ARGUMENT],
    ['seq 0', snap({ seq: '0' }), status.INVALID_ARGUMENT],
    ['another run', snap({ runId: 'other' }), status.FAILED_PRECONDITION],
  ])('rejects %s', (_what, s, code) => {
    expect(codeOf(() => validateSnapshot(s, 'r'))).toBe(code);
  });

  it('checks the hello: ids and arch', () => {
    const h = {
      hostId: 'h',
      hostname: 'x',
      kernelRelease: '',
      arch: 'x86_64',
      bootId: '',
      agentVersion: '',
      mapMode: '',
      intervalMs: 1000,
      runId: 'r',
      runStartedUnixMs: '0',
      scope: '',
      processTopK: 0,
      cgroupTopK: 0,
      errors: false,
      latency: false,
    };
    expect(codeOf(() => validateHello(h))).toBeUndefined();
    expect(codeOf(() => validateHello({ ...h, arch: 'mips' }))).toBe(status.INVALID_ARGUMENT);
    expect(codeOf(() => validateHello({ ...h, hostId: '' }))).toBe(status.INVALID_ARGUMENT);
    expect(codeOf(() => validateHello({ ...h, runId: 'a b' }))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('validateProcesses', () => {
  const proc = (pid: number, nr: number, count: string, comm = 'w') => ({ pid, comm, nr, count });
  const deltas = [
    [110, 100n],
    [0, 10n],
  ] as const;

  it('keeps the rows and returns, per syscall, what they leave unexplained', () => {
    const r = validateProcesses(
      snap({ processes: [proc(7, 110, '60'), proc(8, 110, '30'), proc(7, 0, '10')] }),
      deltas,
    );
    expect(r.rows.map((x) => [x.pid, x.nr, x.count])).toEqual([
      [7, 110, 60n],
      [8, 110, 30n],
      [7, 0, 10n],
    ]);
    expect([...r.unexplained]).toEqual([
      [110, 10n],
      [0, 0n],
    ]);
  });

  it('with no rows, the whole interval is unexplained (a snapshot whose breakdown was lost)', () => {
    expect([...validateProcesses(snap({}), deltas).unexplained]).toEqual([
      [110, 100n],
      [0, 10n],
    ]);
  });

  it.each([
    ['more calls than the interval has', [proc(7, 110, '101')], /claim more calls of nr 110/],
    ['a syscall the interval does not have', [proc(7, 5, '1')], /claim more calls of nr 5/],
    ['pid 0', [proc(0, 110, '1')], /pid 0 must be at least 1/],
    ['a long name', [proc(7, 110, '1', 'a-name-of-16-byt')], /longer than 15 bytes/],
    ['the same row twice', [proc(7, 110, '1'), proc(7, 110, '1')], /appears twice/],
    ['an id outside the table', [proc(7, 2000, '1')], /outside the table's range \[-1, 1023\]/],
  ])('rejects %s', (_what, processes, message) => {
    expect(() => validateProcesses(snap({ processes }), deltas)).toThrow(message);
    expect(codeOf(() => validateProcesses(snap({ processes }), deltas))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('validateCgroups', () => {
  const cg = (path: string, nr: number, count: string, container = '') => ({ path, container, nr, count });
  const deltas = [
    [0, 50n],
    [1, 20n],
  ] as const;

  it('keeps the rows with their names and returns what they leave unexplained', () => {
    const r = validateCgroups(
      snap({
        cgroups: [cg('/system.slice/docker-ab.scope', 0, '40', 'docker:abababababab'), cg('/user.slice', 1, '20')],
      }),
      deltas,
    );
    expect(r.rows).toEqual([
      { path: '/system.slice/docker-ab.scope', container: 'docker:abababababab', nr: 0, count: 40n },
      { path: '/user.slice', container: '', nr: 1, count: 20n },
    ]);
    expect([...r.unexplained]).toEqual([
      [0, 10n],
      [1, 0n],
    ]);
  });

  it('accepts the name of a cgroup removed before the agent could name it', () => {
    expect(validateCgroups(snap({ cgroups: [cg('cgroup_1234', 0, '1')] }), deltas).rows).toHaveLength(1);
  });

  it.each([
    [
      'more calls than the interval has',
      [cg('/a', 0, '30'), cg('/b', 0, '21')],
      /cgroup \/b: rows claim more calls of nr 0/,
    ],
    ['an empty path (the "other" row is the server\'s)', [cg('', 0, '1')], /must start with '\/'/],
    ['a relative path', [cg('system.slice', 0, '1')], /must start with '\/'/],
    ['a path over 4096 bytes', [cg('/' + 'x'.repeat(4096), 0, '1')], /fit in 4096 bytes/],
    ['a long container label', [cg('/a', 0, '1', 'c'.repeat(129))], /longer than 128 bytes/],
    ['the same row twice', [cg('/a', 0, '1'), cg('/a', 0, '1')], /appears twice/],
  ])('rejects %s', (_what, cgroups, message) => {
    expect(() => validateCgroups(snap({ cgroups }), deltas)).toThrow(message);
    expect(codeOf(() => validateCgroups(snap({ cgroups }), deltas))).toBe(status.INVALID_ARGUMENT);
  });
});

describe('validateUnattributed', () => {
  it('returns the new cumulative count', () => {
    expect(validateUnattributed(snap({ unattributed: '70' }), 50n, 100n)).toBe(70n);
  });

  it('refuses a count that goes backwards or grows by more than the interval has', () => {
    expect(codeOf(() => validateUnattributed(snap({ unattributed: '40' }), 50n, 100n))).toBe(
      status.FAILED_PRECONDITION,
    );
    expect(() => validateUnattributed(snap({ unattributed: '151' }), 50n, 100n)).toThrow(
      /grew by 101, more than the interval's 100 calls/,
    );
  });
});

describe('validateFailures', () => {
  const f = (nr: number, errnoCode: number, count: string) => ({ nr, errnoCode, count });

  it('keys cumulative failures by syscall and errno (0: all of them), other under OTHER_NR', () => {
    const m = validateFailures(snap({ failures: [f(3, 0, '30'), f(3, 9, '30'), f(OTHER_NR, 0, '2'), f(257, 2, '0')] }));
    expect([...m]).toEqual([
      ['3:0', 30n],
      ['3:9', 30n],
      [`${OTHER_NR}:0`, 2n],
    ]);
  });

  it.each([
    ['an errno past 4095', [f(3, 4096, '1')], /errno 4096 is outside \[0, 4095\]/],
    ['a syscall outside the table', [f(1024, 0, '1')], /nr 1024 is outside/],
    ['the same row twice', [f(3, 9, '1'), f(3, 9, '2')], /appears twice/],
    ['a count that is not a uint64', [f(3, 0, '-1')], /is not a uint64/],
  ])('rejects %s', (_what, failures, message) => {
    expect(() => validateFailures(snap({ failures }))).toThrow(message);
  });
});

describe('validateLatency', () => {
  const l = (nr: number, buckets: Array<[number, string]>, totalNs = '1000', unreturned = '0') => ({
    nr,
    totalNs,
    unreturned,
    buckets: buckets.map(([bucket, count]) => ({ bucket, count })),
  });

  it('keys buckets by syscall, with total ns as bucket -1 and unreturned calls as -2', () => {
    const m = validateLatency(
      snap({
        latency: [
          l(
            110,
            [
              [8, '999'],
              [9, '1'],
            ],
            '402515',
          ),
          l(231, [], '0', '1'),
        ],
      }),
    );
    expect([...m]).toEqual([
      ['110:-1', 402515n],
      ['110:8', 999n],
      ['110:9', 1n],
      ['231:-2', 1n],
    ]);
  });

  it.each([
    ['bucket 64', [l(110, [[64, '1']])], /bucket 64 is outside \[0, 63\]/],
    [
      'a bucket twice',
      [
        l(110, [
          [3, '1'],
          [3, '2'],
        ]),
      ],
      /bucket 3 appears twice/,
    ],
    ['a syscall twice', [l(110, []), l(110, [])], /latency row of nr 110 appears twice/],
    ['a negative total', [l(110, [], '-5')], /is not a uint64/],
  ])('rejects %s', (_what, latency, message) => {
    expect(() => validateLatency(snap({ latency }))).toThrow(message);
  });
});
