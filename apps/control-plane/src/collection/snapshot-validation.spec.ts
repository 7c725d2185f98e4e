import { status } from '@grpc/grpc-js';
import { Snapshot } from '@syscall-counter/proto';
import { IngestError } from './ingest-error';
import { OTHER_NR, validateHello, validateSnapshot } from './snapshot-validation';

const snap = (over: Partial<Snapshot>): Snapshot => ({
  runId: 'r',
  seq: '1',
  timeUnixMs: '0',
  counts: [],
  otherCount: '0',
  final: false,
  ...over,
});

function codeOf(fn: () => unknown): status | undefined {
  try {
    fn();
  } catch (e) {
    return (e as IngestError).code;
  }
  return undefined;
}

describe('snapshot validation', () => {
  it('keeps non-zero counts exactly, with the other bucket under OTHER_NR', () => {
    const m = validateSnapshot(snap({ counts: [{ nr: 110, count: '18446744073709551' }, { nr: -1, count: '2' }, { nr: 3, count: '0' }], otherCount: '5' }), 'r');
    expect([...m.entries()]).toEqual([
      [110, 18446744073709551n],
      [-1, 2n],
      [OTHER_NR, 5n],
    ]);
  });

  it.each([
    ['nr 1024', snap({ counts: [{ nr: 1024, count: '1' }] }), status.INVALID_ARGUMENT],
    ['nr -2', snap({ counts: [{ nr: -2, count: '1' }] }), status.INVALID_ARGUMENT],
    ['a repeated nr', snap({ counts: [{ nr: 1, count: '1' }, { nr: 1, count: '2' }] }), status.INVALID_ARGUMENT],
    ['a non-numeric count', snap({ counts: [{ nr: 1, count: '1e3' }] }), status.INVALID_ARGUMENT],
    ['2^63', snap({ counts: [{ nr: 1, count: '9223372036854775808' }] }), status.INVALID_ARGUMENT],
    ['seq 0', snap({ seq: '0' }), status.INVALID_ARGUMENT],
    ['another run', snap({ runId: 'other' }), status.FAILED_PRECONDITION],
  ])('rejects %s', (_what, s, code) => {
    expect(codeOf(() => validateSnapshot(s, 'r'))).toBe(code);
  });

  it('checks the hello: ids and arch', () => {
    const h = { hostId: 'h', hostname: 'x', kernelRelease: '', arch: 'x86_64', bootId: '', agentVersion: '', mapMode: '', intervalMs: 1000, runId: 'r', runStartedUnixMs: '0', scope: '' };
    expect(codeOf(() => validateHello(h))).toBeUndefined();
    expect(codeOf(() => validateHello({ ...h, arch: 'mips' }))).toBe(status.INVALID_ARGUMENT);
    expect(codeOf(() => validateHello({ ...h, hostId: '' }))).toBe(status.INVALID_ARGUMENT);
    expect(codeOf(() => validateHello({ ...h, runId: 'a b' }))).toBe(status.INVALID_ARGUMENT);
  });
});
