import { Snapshot } from '@syscall-counter/proto';
import { validateBpfPrograms } from './bpf-programs';

const snap = (bpfPrograms: Array<{ program: string; runTimeNs: string; runCount: string }>) =>
  Snapshot.fromPartial({ runId: 'r', seq: '1', bpfPrograms });

describe('validateBpfPrograms', () => {
  it('keeps each program once, as 64-bit counts', () => {
    expect(validateBpfPrograms(snap([{ program: 'count_percpu', runTimeNs: '5700', runCount: '100' }]))).toEqual([
      { program: 'count_percpu', runTimeNs: 5700n, runCount: 100n },
    ]);
    expect(validateBpfPrograms(snap([]))).toEqual([]);
  });

  it('rejects bad names, repeats and counts beyond int64 with one clear message', () => {
    const row = { program: 'p', runTimeNs: '1', runCount: '1' };
    expect(() => validateBpfPrograms(snap([{ ...row, program: 'a b' }]))).toThrow("BPF program name 'a b'");
    expect(() => validateBpfPrograms(snap([row, row]))).toThrow("BPF program 'p' appears twice");
    expect(() => validateBpfPrograms(snap([{ ...row, runCount: '9223372036854775808' }]))).toThrow(
      'BPF program p run_count',
    );
  });
});
