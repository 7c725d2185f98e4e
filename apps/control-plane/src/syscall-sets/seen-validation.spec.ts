import { Snapshot } from '@syscall-counter/proto';
import { InvalidArgumentError } from '../common/domain-errors';
import { validateSeen } from './seen-validation';

const snap = (cgroupSyscalls: Snapshot['cgroupSyscalls']) => Snapshot.fromPartial({ cgroupSyscalls });

describe('Snapshot.cgroup_syscalls validation', () => {
  it('keeps named cgroups and their numbers, leaving "other" out', () => {
    expect(validateSeen(snap([{ path: '/system.slice/a.scope', container: 'docker:abc', nrs: [0, 110, -2] }]))).toEqual(
      [{ path: '/system.slice/a.scope', container: 'docker:abc', nrs: [0, 110] }],
    );
    expect(validateSeen(snap([{ path: 'cgroup_42', container: '', nrs: [-1] }]))).toEqual([
      { path: 'cgroup_42', container: '', nrs: [-1] },
    ]);
  });

  it('refuses paths that are not cgroup paths and numbers outside the table', () => {
    expect(() => validateSeen(snap([{ path: 'etc', container: '', nrs: [1] }]))).toThrow(InvalidArgumentError);
    expect(() => validateSeen(snap([{ path: '/', container: '', nrs: [5000] }]))).toThrow(
      'cgroup_syscalls /: syscall nr 5000 is outside',
    );
  });
});
