import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, underProfile, withoutSyscall, WORKLOAD } from '@syscall-counter/test-support';

interface Profile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: { names: string[]; action: string }[];
}

/** The workload profiled and applied: a child (mkdir) and a shell that writes when it succeeds. */
const makeDir = (path: string) => ['sh', '-c', `mkdir ${path} && echo made`];

describe('seccomp -- CMD: a profile of what the command really called (real BPF, real libseccomp)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-seccomp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a sorted moby allow-list, start-up calls included; the workload completes under it', () => {
    const out = join(dir, 'getppid.json');
    const r = cli(['seccomp', '--out', out, '--', WORKLOAD, 'getppid', '100']);
    expect(r.status).toBe(0);
    const p = JSON.parse(readFileSync(out, 'utf8')) as Profile;
    expect(p).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1 });
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64']);
    expect(p.syscalls).toHaveLength(1);
    const names = p.syscalls[0].names;
    expect(names).toEqual([...new Set(names)].sort());
    expect(names).toEqual(expect.arrayContaining(['getppid', 'execve', 'mmap', 'openat', 'exit_group']));
    expect(underProfile(out, [WORKLOAD, 'getppid', '100']).status).toBe(0);
  });

  it('the same profile without one observed call makes the workload fail with EPERM on that call', () => {
    const out = join(dir, 'mkdir.json');
    expect(cli(['seccomp', '--out', out, '--', ...makeDir(join(dir, 'a'))]).status).toBe(0);
    const ok = underProfile(out, makeDir(join(dir, 'b')));
    expect([ok.status, ok.stdout]).toEqual([0, 'made\n']);
    const short = join(dir, 'no-mkdir.json');
    withoutSyscall(out, short, 'mkdir');
    const denied = underProfile(short, makeDir(join(dir, 'c')));
    expect(denied.status).toBe(1);
    expect(denied.stderr).toContain(`mkdir: cannot create directory ‘${join(dir, 'c')}’: Operation not permitted`);
    expect(existsSync(join(dir, 'c'))).toBe(false);
  });

  it('names 32-bit calls from the i386 table under SCMP_ARCH_X86, and leaves unknown numbers out', () => {
    const out = join(dir, 'int80.json');
    expect(cli(['seccomp', '--default-action', 'kill', '--out', out, '--', WORKLOAD, 'int80', '3']).status).toBe(0);
    const p = JSON.parse(readFileSync(out, 'utf8')) as Profile;
    expect(p.defaultAction).toBe('SCMP_ACT_KILL_PROCESS');
    expect(p.defaultErrnoRet).toBeUndefined();
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
    expect(p.syscalls[0].names).toContain('getpid');
    expect(underProfile(out, [WORKLOAD, 'int80', '3']).status).toBe(0);
    const unknown = cli(['seccomp', '--format', 'oci', '--', WORKLOAD, 'raw', '999', '4']);
    expect(unknown.stderr).toContain(
      'syscall_999 (4 calls) is not in the x86_64 syscall table: left out of the profile',
    );
    expect(unknown.stdout).not.toContain('syscall_');
    expect(JSON.parse(unknown.stdout).architectures).toEqual(['SCMP_ARCH_X86_64']);
  });

  it('--format spo writes a SeccompProfile resource; bad flags are usage errors', () => {
    const spo = cli(['seccomp', '--format', 'spo', '--default-action', 'log', '--', WORKLOAD, 'getppid', '5']);
    expect(spo.status).toBe(0);
    expect(
      spo.stdout.startsWith('apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\n'),
    ).toBe(true);
    expect(spo.stdout).toContain('\nmetadata:\n  name: workload\nspec:\n');
    expect(spo.stdout).toContain('  defaultAction: SCMP_ACT_LOG\n  architectures:\n    - SCMP_ARCH_X86_64\n');
    expect(spo.stdout).toContain('\n        - getppid\n');
    const bad = cli(['seccomp', '--default-action', 'allow', '--', WORKLOAD, 'getppid', '1']);
    expect(bad.status).toBe(2);
    const yaml = cli(['seccomp', '--format', 'yaml', '--', WORKLOAD, 'getppid', '1']);
    expect([yaml.status, yaml.stderr]).toEqual([
      2,
      'syscall-counter: seccomp: --format yaml: expected docker, oci or spo\n',
    ]);
    const none = cli(['seccomp']);
    expect([none.status, none.stderr]).toEqual([
      2,
      'syscall-counter: seccomp: give the workload after --, or a history scope (--container, --host...)\n',
    ]);
  });

  it("check: a profile lacking getppid reports getppid with the workload's exact count, exit 1; 0 when none", () => {
    const full = join(dir, 'check.json');
    expect(cli(['seccomp', '--out', full, '--', WORKLOAD, 'getppid', '10']).status).toBe(0);
    const short = join(dir, 'check-no-getppid.json');
    withoutSyscall(full, short, 'getppid');
    const drift = cli(['seccomp', 'check', short, '--format', 'json', '--', WORKLOAD, 'getppid', '1234']);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toBe(`syscall-counter: 1 syscall observed that ${short} does not allow\n`);
    const rows = JSON.parse(drift.stdout).notAllowed;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'getppid', abi: 'native', count: 1234, hosts: [hostname()] });
    expect(Date.parse(rows[0].firstSeen)).toBeLessThanOrEqual(Date.parse(rows[0].lastSeen));
    // The table shows local time with its zone (JSON above keeps ISO 8601 UTC); --utc shows UTC.
    const env = { TZ: 'Asia/Kolkata' };
    const local = cli(['seccomp', 'check', short, '--', WORKLOAD, 'getppid', '5'], { env });
    expect(local.stdout).toMatch(/getppid .* \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+05:30 /);
    const utc = cli(['seccomp', 'check', short, '--utc', '--', WORKLOAD, 'getppid', '5'], { env });
    expect(utc.stdout).toMatch(/getppid .* \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC /);
    const clean = cli(['seccomp', 'check', full, '--', WORKLOAD, 'getppid', '1234']);
    expect([clean.status, clean.stdout]).toEqual([0, 'Every syscall observed is allowed by the profile.\n']);
    const missing = cli(['seccomp', 'check', join(dir, 'nope.json'), '--', WORKLOAD, 'getppid', '1']);
    expect([missing.status, missing.stderr]).toEqual([
      1,
      `syscall-counter: cannot read ${join(dir, 'nope.json')}: ENOENT\n`,
    ]);
  });
});
