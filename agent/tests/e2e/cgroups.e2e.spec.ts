import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  countOf,
  enterCgroup,
  makeCgroup,
  parseCsv,
  removeCgroup,
  runAgent,
  startAgent,
  WORKLOAD,
} from '@syscall-counter/test-support';

const ID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** The gated workload, moved into @cgroup before it makes its @n getppid calls. */
async function gatedIn(cgroup: string | null, n: number) {
  const child = spawn(WORKLOAD, ['gated', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pid = await new Promise<string>((res) => child.stdout!.once('data', (d: Buffer) => res(d.toString().trim())));
  if (cgroup) enterCgroup(cgroup, pid);
  return {
    run: () =>
      new Promise<void>((res) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && res());
        child.stdin!.write('go\n');
      }),
    end: () => new Promise<void>((res) => (child.on('close', () => res()), child.stdin!.end())),
  };
}

describe('syscall-counter-agent per cgroup (real BPF, a real cgroup v2)', () => {
  const unit = join('system.slice', `docker-${ID}.scope`);
  let dir = '';

  beforeAll(() => (dir = makeCgroup(unit)));
  afterAll(() => removeCgroup(dir));

  it('-C reports a process in a known cgroup under its path and container id, exactly', async () => {
    const w = await gatedIn(dir, 2500);
    const { proc, done } = await startAgent(['-C', '-o', 'json']);
    await w.run();
    proc.kill('SIGINT');
    await w.end();
    const doc = JSON.parse((await done).stdout);
    const cg = doc.cgroups.find((c: { path: string }) => c.path === `/${unit}`);
    expect(cg).toMatchObject({ container: 'docker:0123456789ab' });
    expect(cg.syscalls.find((s: { name: string }) => s.name === 'getppid').count).toBe(2500);
  });

  it('--cgroup counts only tasks in that cgroup', async () => {
    const inside = await gatedIn(dir, 3000);
    const outside = await gatedIn(null, 1000);
    const { proc, done } = await startAgent(['--cgroup', dir, '--syscall', 'getppid', '-o', 'csv']);
    await inside.run();
    await outside.run();
    proc.kill('SIGINT');
    await inside.end();
    await outside.end();
    expect(countOf(parseCsv((await done).stdout), 'getppid')).toBe(3000);
  });

  it('keeps exact totals when the per-cgroup map is too small', () => {
    const doc = JSON.parse(
      runAgent(['-C', '--proc-entries', '3', '-o', 'json', '--', WORKLOAD, 'getppid', '5000']).stdout,
    );
    const count = (list: Array<{ name: string; count: number }>) => list.find((s) => s.name === 'getppid')?.count ?? 0;
    const attributed = doc.cgroups.reduce(
      (s: number, c: { syscalls: Array<{ name: string; count: number }> }) => s + count(c.syscalls),
      0,
    );
    expect(doc.unattributed.total).toBeGreaterThan(0);
    expect(attributed + count(doc.unattributed.syscalls)).toBe(5000);
  });

  it.each([
    [['--cgroup', '/tmp'], /'\/tmp' is not a cgroup v2 directory/],
    [['-C', '-P'], /-C counts in maps of its own, on its own/],
    [['-C', '--cgroup-top', '3'], /--cgroup-top goes with -C and --server/],
    [['-C', '--server', '127.0.0.1:1', '--cgroup-top', '0'], /cgroup-top/],
  ])('rejects %j', (args, message) => {
    const r = runAgent(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
