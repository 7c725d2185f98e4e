import { ObservedCall } from './observed';
import { renderProfile, resourceName, seccompObject } from './profile';
import { allows, readProfile } from './read-profile';

const call = (name: string, abi: ObservedCall['abi'] = 'native'): ObservedCall => ({
  abi,
  name,
  count: 1,
  hosts: ['h'],
  firstSeen: '',
  lastSeen: '',
});

describe('seccomp profiles from observed calls', () => {
  it('sorts the allow-list, each name once, and lists i386 only when 32-bit calls were made', () => {
    const native = seccompObject('x86_64', [call('read'), call('close'), call('read')], 'errno');
    expect(native).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [{ names: ['close', 'read'], action: 'SCMP_ACT_ALLOW' }],
    });
    const both = seccompObject('x86_64', [call('read'), call('socketcall', 'i386')], 'trap');
    expect(both.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    expect(both.defaultAction).toBe('SCMP_ACT_TRAP');
    expect(seccompObject('arm64', [], 'kill')).toEqual({
      defaultAction: 'SCMP_ACT_KILL_PROCESS',
      architectures: ['SCMP_ARCH_AARCH64'],
      syscalls: [],
    });
  });

  it('reads back what it writes in every format, i386 calls allowed only under SCMP_ARCH_X86', () => {
    const obj = seccompObject('x86_64', [call('read'), call('write')], 'log');
    for (const format of ['docker', 'oci', 'spo'] as const) {
      const p = readProfile(renderProfile(obj, format, 'app'));
      expect([...p.names]).toEqual(['read', 'write']);
      expect([...p.architectures]).toEqual(['SCMP_ARCH_X86_64']);
      expect(allows(p, 'native', 'read')).toBe(true);
      expect(allows(p, 'native', 'getppid')).toBe(false);
      expect(allows(p, 'i386', 'read')).toBe(false);
    }
    const oci = readProfile(JSON.stringify({ linux: { seccomp: obj } }));
    expect([...oci.names]).toEqual(['read', 'write']);
    expect(() => readProfile('hello: world')).toThrow('neither a JSON seccomp profile');
  });

  it('names the SeccompProfile resource from the command', () => {
    expect(resourceName('/usr/bin/My_App.v2')).toBe('my-app-v2');
    expect(resourceName('___')).toBe('workload');
  });
});
