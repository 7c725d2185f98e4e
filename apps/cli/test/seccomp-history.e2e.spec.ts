import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cgroup2Root,
  cli,
  ControlPlane,
  inCgroup,
  makeCgroup,
  removeCgroup,
  startControlPlane,
  underProfile,
  withoutSyscall,
  WORKLOAD,
} from '@syscall-counter/test-support';

interface Profile {
  syscalls: { names: string[] }[];
}

/** A docker-style cgroup whose container label is docker:<first 12 of id>. */
const dockerId = (n: number) => `5ecc0a${String(n).padStart(6, '0')}`.padEnd(64, 'f');
const dockerCgroup = (n: number) => join('system.slice', `docker-${dockerId(n)}.scope`);
const label = (n: number) => `docker:${dockerId(n).slice(0, 12)}`;

describe('seccomp from history: complete per-container sets, union across replicas (real agents, cgroups)', () => {
  let cp: ControlPlane;
  const q = (args: string[]) => cli([...args, ...cp.conn]);
  const tmp = mkdtempSync(join(tmpdir(), 'sc-seccomp-h-'));
  const BUSY = 30;
  const RARE = BUSY;
  const REPLICA = BUSY + 1;
  let dirs: string[] = [];
  const inDocker = (n: number, workload: string) => inCgroup(join(cgroup2Root(), dockerCgroup(n)), workload);

  beforeAll(async () => {
    dirs = Array.from({ length: BUSY + 2 }, (_, n) => makeCgroup(dockerCgroup(n)));
    cp = await startControlPlane();
    // 30 busy containers and one that makes a single umask call (95), which no busy one makes:
    // with the 5 busiest cgroups per snapshot, only the complete per-cgroup sets can hold it.
    const busy = Array.from({ length: BUSY }, (_, n) => `${inDocker(n, `${WORKLOAD} getppid 20000`)} &`).join(' ');
    const script = `${busy} ${inDocker(RARE, `${WORKLOAD} raw 95 1`)}; wait`;
    const many = cp.runAgent('fleet-1', 'many', ['sh', '-c', script], ['-C', '--cgroup-top', '5']);
    expect({ status: many.status, stderr: many.stderr }).toMatchObject({ status: 0 });
    // Two replicas of one workload on two hosts, each taking a different path through it.
    const paths: Array<[string, string]> = [
      ['replica-1', `${WORKLOAD} getppid 10`],
      ['replica-2', `${WORKLOAD} close 5 2`],
    ];
    for (const [host, workload] of paths) {
      const r = cp.runAgent(host, `${host}-run`, ['sh', '-c', inDocker(REPLICA, workload)], ['-C']);
      expect({ host, status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    }
  }, 120000);

  afterAll(async () => {
    await cp.close();
    dirs.forEach(removeCgroup);
    rmSync(tmp, { recursive: true, force: true });
  });

  const namesOf = (args: string[]) => {
    const r = q(['seccomp', ...args]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    return (JSON.parse(r.stdout) as Profile).syscalls[0].names;
  };

  it('a container that made one rare call among 30 busier ones has it in its profile', () => {
    const rare = namesOf(['--container', label(RARE)]);
    expect(rare).toContain('umask');
    expect(rare).not.toContain('getppid');
    expect(namesOf(['--container', label(3), '--run', 'many'])).toEqual(expect.arrayContaining(['getppid']));
    expect(namesOf(['--container', label(3)])).not.toContain('umask');
  });

  it('two replicas on two hosts give one profile holding the union of their paths', () => {
    const one = namesOf(['--container', label(REPLICA), '--host', 'replica-1']);
    const two = namesOf(['--container', label(REPLICA), '--host', 'replica-2']);
    expect(one).toContain('getppid');
    expect(one).not.toContain('dup');
    expect(two).toContain('dup');
    expect(two).not.toContain('getppid');
    const out = join(tmp, 'union.json');
    const r = q(['seccomp', '--container', label(REPLICA), '--out', out]);
    expect(r.status).toBe(0);
    const union = (JSON.parse(readFileSync(out, 'utf8')) as Profile).syscalls[0].names;
    expect(union).toEqual([...new Set([...one, ...two])].sort());
    // Both paths run under the union profile.
    expect(underProfile(out, [WORKLOAD, 'getppid', '10']).status).toBe(0);
    expect(underProfile(out, [WORKLOAD, 'close', '5', '2']).status).toBe(0);
  });

  it('check from history lists a call outside the profile with its count and hosts; exit 1', () => {
    const full = join(tmp, 'replicas.json');
    expect(q(['seccomp', '--container', label(REPLICA), '--out', full]).status).toBe(0);
    const short = join(tmp, 'no-dup.json');
    withoutSyscall(full, short, 'dup');
    const drift = q(['seccomp', 'check', short, '--container', label(REPLICA), '--format', 'json']);
    expect(drift.status).toBe(1);
    const rows = JSON.parse(drift.stdout).notAllowed;
    expect(rows).toEqual([expect.objectContaining({ name: 'dup', count: 3, hosts: ['replica-2'] })]);
    expect(q(['seccomp', 'check', full, '--container', label(REPLICA)]).status).toBe(0);
    const none = q(['seccomp', '--container', 'docker:000000000000']);
    expect([none.status, none.stderr]).toEqual([1, 'syscall-counter: seccomp: no syscalls recorded in this scope\n']);
  });
});
