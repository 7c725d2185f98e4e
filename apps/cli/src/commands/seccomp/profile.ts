import { ObservedCall } from './observed';

export type ProfileFormat = 'docker' | 'oci' | 'spo';
export type DefaultAction = 'errno' | 'kill' | 'log' | 'trap';

/** What a call outside the allow-list gets. kill ends the whole process, not one thread of it. */
const ACTIONS: Record<DefaultAction, string> = {
  errno: 'SCMP_ACT_ERRNO',
  kill: 'SCMP_ACT_KILL_PROCESS',
  log: 'SCMP_ACT_LOG',
  trap: 'SCMP_ACT_TRAP',
};

/** The agent's architecture names to libseccomp's. */
const NATIVE_ARCH: Record<string, string> = { x86_64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64' };
export const I386_ARCH = 'SCMP_ARCH_X86';
const EPERM = 1;

/** The seccomp object both moby and the OCI runtime spec (linux.seccomp) use. */
export interface SeccompObject {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: { names: string[]; action: string }[];
}

/** The allow-list of @calls: sorted, each name once; i386 listed only when 32-bit calls were made. */
export function seccompObject(arch: string, calls: ObservedCall[], action: DefaultAction): SeccompObject {
  const native = NATIVE_ARCH[arch];
  if (!native) throw new Error(`no seccomp architecture for ${arch}`);
  const architectures = calls.some((c) => c.abi === 'i386') ? [native, I386_ARCH] : [native];
  const names = [...new Set(calls.map((c) => c.name))].sort();
  return {
    defaultAction: ACTIONS[action],
    ...(action === 'errno' ? { defaultErrnoRet: EPERM } : {}),
    architectures,
    syscalls: names.length ? [{ names, action: 'SCMP_ACT_ALLOW' }] : [],
  };
}

/** A DNS-1123 name for the SeccompProfile resource, from what the user named or ran. */
export function resourceName(from: string): string {
  const base = from.split('/').pop() ?? '';
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return name || 'workload';
}

/** security-profiles-operator's SeccompProfile resource, as YAML (every value here is a plain word). */
function spoYaml(obj: SeccompObject, name: string): string {
  const lines = [
    'apiVersion: security-profiles-operator.x-k8s.io/v1beta1',
    'kind: SeccompProfile',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  defaultAction: ${obj.defaultAction}`,
    '  architectures:',
    ...obj.architectures.map((a) => `    - ${a}`),
    '  syscalls:',
    ...obj.syscalls.flatMap((s) => [
      `    - action: ${s.action}`,
      '      names:',
      ...s.names.map((n) => `        - ${n}`),
    ]),
  ];
  if (!obj.syscalls.length) lines[lines.length - 1] = '  syscalls: []';
  return lines.join('\n') + '\n';
}

/** The profile's text in @format: moby's JSON, the OCI linux.seccomp object, or an SPO resource. */
export function renderProfile(obj: SeccompObject, format: ProfileFormat, name: string): string {
  if (format === 'spo') return spoYaml(obj, name);
  // moby's and the runtime spec's objects have the same fields for an allow-list.
  return JSON.stringify(obj, null, 2) + '\n';
}
