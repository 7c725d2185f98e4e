import { spawn, spawnSync } from 'node:child_process';
import { countOf, parseCsv, runAgent, startAgent, WORKLOAD } from '@syscall-counter/test-support';

// Each filter lets through exactly what it should: the workloads' known counts, and
// nothing of the processes it is meant to leave out.
describe('syscall-counter-agent in-kernel filters (real BPF, real processes)', () => {
  it('--comm counts only tasks of that name', () => {
    const r = runAgent([
      '--comm',
      'workload',
      '-o',
      'csv',
      '--',
      'sh',
      '-c',
      `${WORKLOAD} getppid 3000; ${WORKLOAD} raw 39 20`,
    ]);
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(countOf(rows, 'getppid')).toBe(3000); // the shell's own getppid is not counted
    expect(countOf(rows, 'getpid')).toBe(20);
    expect(countOf(rows, 'wait4')).toBe(0); // the shell waits; workload never does
  });

  it('--syscall counts only the listed syscalls, by name or number', () => {
    const shell = parseCsv(runAgent(['-o', 'csv', '--syscall', 'getppid,getpid', '--', 'sh', '-c', 'true']).stdout);
    const r = runAgent([
      '--syscall',
      'getppid,39',
      '-o',
      'csv',
      '--',
      'sh',
      '-c',
      `${WORKLOAD} getppid 500; ${WORKLOAD} raw 39 70`,
    ]);
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows.map((x) => x.name).sort()).toEqual(['getpid', 'getppid']);
    expect(countOf(rows, 'getppid')).toBe(500 + countOf(shell, 'getppid'));
    expect(countOf(rows, 'getpid')).toBe(70 + countOf(shell, 'getpid'));
  });

  it('--uid counts only what that user runs, system-wide', async () => {
    const { proc, done } = await startAgent(['--uid', '65534', '--syscall', 'getppid', '-o', 'csv']);
    const w = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', WORKLOAD, 'getppid', '4000']);
    expect(w.status).toBe(0);
    spawnSync(WORKLOAD, ['getppid', '1000']); // root's calls: left out
    proc.kill('SIGINT');
    const r = await done;
    expect(countOf(parseCsv(r.stdout), 'getppid')).toBe(4000);
  });

  it('-t counts one thread only', async () => {
    // The gated workload is single-threaded: its thread id is its pid.
    const child = spawn(WORKLOAD, ['gated', '2500'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const pid = await new Promise<string>((res) => child.stdout!.once('data', (d: Buffer) => res(d.toString().trim())));
    const { proc, done } = await startAgent(['-t', pid, '-o', 'csv']);
    spawnSync(WORKLOAD, ['getppid', '1000']); // another task: left out
    child.stdin!.write('go\n');
    await new Promise<void>((res) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && res()));
    proc.kill('SIGINT');
    child.stdin!.end();
    const r = await done;
    expect(countOf(parseCsv(r.stdout), 'getppid')).toBe(2500);
  });

  it.each([
    [['--syscall', 'read,nosuchcall'], /unknown syscall 'nosuchcall' for x86_64/],
    [['--syscall', '1024'], /unknown syscall '1024'/],
    [['--comm', 'a-name-longer-than-15'], /invalid comm 'a-name-longer-than-15': expected 1 to 15 characters/],
    [['--uid', '-1'], /invalid uid '-1'/],
    [['-t', '5', '--', 'true'], /-p\/-t and a command are exclusive/],
  ])('rejects %j', (args, message) => {
    const r = runAgent(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
