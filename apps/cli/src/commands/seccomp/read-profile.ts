import { I386_ARCH } from './profile';

/** What a profile lets through: the names allowed (unconditionally or on arguments) and its architectures. */
export interface Allowed {
  names: Set<string>;
  architectures: Set<string>;
}

interface JsonProfile {
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  syscalls?: { names?: string[]; name?: string; action?: string }[];
  linux?: { seccomp?: JsonProfile };
}

function fromJson(doc: JsonProfile): Allowed {
  const p = doc.linux?.seccomp ?? doc;
  const architectures = new Set([
    ...(p.architectures ?? []),
    ...(p.archMap ?? []).flatMap((a) => [a.architecture, ...(a.subArchitectures ?? [])]),
  ]);
  const names = new Set<string>();
  for (const s of p.syscalls ?? []) {
    if (s.action !== 'SCMP_ACT_ALLOW') continue;
    for (const n of [...(s.names ?? []), ...(s.name ? [s.name] : [])]) names.add(n);
  }
  return { names, architectures };
}

/** The SeccompProfile resource as `seccomp --format spo` writes it: lists of plain words. */
function fromSpoYaml(text: string): Allowed {
  const allowed: Allowed = { names: new Set(), architectures: new Set() };
  let list: 'architectures' | 'names' | undefined;
  let action = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === 'architectures:') list = 'architectures';
    else if (line === 'names:') list = 'names';
    else if (line.startsWith('- action:')) [list, action] = [undefined, line.slice(9).trim()];
    else if (line.startsWith('- ') && list === 'architectures') allowed.architectures.add(line.slice(2).trim());
    else if (line.startsWith('- ') && list === 'names' && action === 'SCMP_ACT_ALLOW') {
      allowed.names.add(line.slice(2).trim());
    } else if (!line.startsWith('- ')) list = undefined;
  }
  return allowed;
}

/** Reads a profile in any of the formats seccomp writes (moby/OCI JSON, an OCI config.json, SPO YAML). */
export function readProfile(text: string): Allowed {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return fromJson(JSON.parse(text) as JsonProfile);
  if (/^kind:\s*SeccompProfile\s*$/m.test(text)) return fromSpoYaml(text);
  throw new Error('neither a JSON seccomp profile nor a SeccompProfile resource');
}

/** Whether a call of @name in @abi passes: its name allowed, and its architecture listed. */
export function allows(p: Allowed, abi: 'native' | 'i386', name: string): boolean {
  if (abi === 'i386' && !p.architectures.has(I386_ARCH)) return false;
  return p.names.has(name);
}
