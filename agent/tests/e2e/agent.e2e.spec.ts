import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { AGENT, countOf, parseCsv, runAgent, startAgent, WORKLOAD } from '@syscall-counter/test-support';

const N = 100000;
const MODES = ['percpu', 'hash', 'percpu-hash'];

describe('syscall-counter-agent -- CMD (real BPF, real workloads)', () => {
  it.each(MODES)('counts exactly N getppid calls of the command (--map %s)', (mode) => {
    const r = runAgent(['--map', mode, '-o', 'csv', '--', WORKLOAD, 'getppid', String(N)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(countOf(rows, 'getppid')).toBe(N);
    expect(countOf(rows, 'execve')).toBe(1);
    expect(countOf(rows, 'exit_group')).toBe(1);
  });

  it.each(MODES)('counts every thread exactly: 4 threads x N (--map %s)', (mode) => {
    const r = runAgent(['--map', mode, '-o', 'csv', '--', WORKLOAD, 'threads', '4', String(N)]);
    expect(r.status).toBe(0);
    expect(countOf(parseCsv(r.stdout), 'getppid')).toBe(4 * N);
  });

  it.each(MODES)('follows a forked child: parent N + child N (--map %s)', (mode) => {
    const r = runAgent(['--map', mode, '-o', 'csv', '--', WORKLOAD, 'fork', String(N)]);
    expect(r.status).toBe(0);
    expect(countOf(parseCsv(r.stdout), 'getppid')).toBe(2 * N);
  });

  it('follows a shell and the processes it starts', () => {
    // The shell makes getppid calls of its own (for $PPID): measure them first.
    const shellOwn = countOf(parseCsv(runAgent(['-o', 'csv', '--', 'sh', '-c', 'true']).stdout), 'getppid');
    const r = runAgent(['-o', 'csv', '--', 'sh', '-c', `${WORKLOAD} getppid 1000; ${WORKLOAD} getppid 2000`]);
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(countOf(rows, 'getppid')).toBe(3000 + shellOwn);
    expect(countOf(rows, 'execve')).toBe(3);
  });

  it('counts out-of-range ids in rows of their own, never losing them', () => {
    const r = runAgent([
      '-o',
      'csv',
      '--',
      'sh',
      '-c',
      `${WORKLOAD} raw 999 7; ${WORKLOAD} raw -1 5; ${WORKLOAD} raw 100000 3; ${WORKLOAD} raw 470 2`,
    ]);
    expect(r.status).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows).toContainEqual({ nr: '999', name: 'syscall_999', count: 7 });
    expect(rows).toContainEqual({ nr: '-1', name: 'syscall_-1', count: 5 });
    expect(rows).toContainEqual({ nr: '', name: 'other', count: 3 });
    expect(rows).toContainEqual({ nr: '470', name: 'listns', count: 2 });
  });

  it('prints every non-zero syscall sorted by count in CSV, and the same in JSON', () => {
    const csv = parseCsv(runAgent(['-o', 'csv', '--', WORKLOAD, 'getppid', '500']).stdout);
    const counts = csv.map((r) => r.count);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(csv[0]).toEqual({ nr: '110', name: 'getppid', count: 500 });

    const json = JSON.parse(runAgent(['-o', 'json', '--', WORKLOAD, 'getppid', '500']).stdout);
    expect(json.arch).toBe('x86_64');
    expect(json.syscalls[0]).toEqual({ nr: 110, name: 'getppid', count: 500 });
    expect(json.total).toBe(json.syscalls.reduce((s: number, r: { count: number }) => s + r.count, 0));
  });

  it('prints the classic table with the top N and both totals', () => {
    const r = runAgent(['-T', '3', '--', WORKLOAD, 'getppid', '4242']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Syscall counts for command: .*workload getppid 4242 over [\d.]+ s \(map percpu\):$/);
    expect(lines[1]).toMatch(/^SYSCALL# \| NAME +\| +COUNT$/);
    expect(lines[2]).toMatch(/^ +110 \| getppid +\| +4242$/);
    expect(lines).toHaveLength(2 + 3 + 2);
    const top = lines.slice(2, 5).reduce((s, l) => s + Number(l.split('|')[2]), 0);
    expect(lines[5]).toBe(`Total syscalls (top 3): ${top}`);
    expect(lines[6]).toMatch(/^Total syscalls \(all \d+ kinds\): \d+$/);
  });

  it("exits with the command's exit status", () => {
    expect(runAgent(['--', 'sh', '-c', 'exit 3']).status).toBe(3);
  });
});

describe('syscall-counter-agent -p PID', () => {
  it("counts exactly the target's calls and nothing of other processes", async () => {
    const target = spawn(WORKLOAD, ['gated', '7777'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const [pidLine] = await once(target.stdout!, 'data');
    const pid = String(pidLine).trim();
    const { proc, done } = await startAgent(['-p', pid, '-o', 'csv']);
    // Noise from another process that must not be counted.
    runAgent(['--', WORKLOAD, 'getppid', '1000']);
    target.stdin!.write('go\n');
    await once(target.stdout!, 'data');
    proc.kill('SIGINT');
    const r = await done;
    target.stdin!.end();
    await once(target, 'close');
    expect(r.status).toBe(0);
    expect(countOf(parseCsv(r.stdout), 'getppid')).toBe(7777);
  });
});

describe('syscall-counter-agent collection and errors', () => {
  it('ends cleanly on SIGTERM and still prints the result', async () => {
    const { proc, done } = await startAgent(['-o', 'csv']);
    runAgent(['--', WORKLOAD, 'getppid', '3000']);
    proc.kill('SIGTERM');
    const r = await done;
    expect(r.status).toBe(0);
    expect(countOf(parseCsv(r.stdout), 'getppid')).toBeGreaterThanOrEqual(3000);
  });

  it('prints one report per interval with -i', () => {
    const r = runAgent(['-i', '1', '-d', '2', '-o', 'json']);
    expect(r.status).toBe(0);
    const docs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(docs).toHaveLength(2);
    for (const d of docs) expect(d.time).toMatch(/^\d\d:\d\d:\d\d$/);
  });

  it('lists the syscall table with -l', () => {
    const r = runAgent(['-l']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('110\tgetppid\n');
    expect(r.stdout).toContain('470\tlistns\n');
  });

  it.each([
    [['-d', 'abc'], /invalid duration 'abc'/],
    [['-T', '0'], /invalid top '0'/],
    [['--map', 'tree'], /invalid map mode 'tree'/],
    [['-o', 'xml'], /invalid output 'xml'/],
    [['-p', '1', '--', 'true'], /-p\/-t and a command are exclusive/],
    [['ls'], /unexpected argument 'ls' \(put a command after --\)/],
    [
      ['--server', '127.0.0.1:1', '--stop-grace', '3601'],
      /invalid stop-grace '3601': expected a whole number from 0 to 3600/,
    ],
  ])('rejects %j with a clear message and exit 2', (args, message) => {
    const r = runAgent(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('says so when the command cannot be started, with exit 127', () => {
    const r = runAgent(['--', 'no-such-command-xyz']);
    expect(r.status).toBe(127);
    expect(r.stderr).toBe("syscall-counter-agent: cannot run 'no-such-command-xyz': No such file or directory\n");
  });

  it('explains how to get the privileges when not root', () => {
    const r = spawnAsNobody(['-d', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/run as root, or grant CAP_BPF and CAP_PERFMON/);
  });
});

function spawnAsNobody(args: string[]) {
  // setpriv drops to an unprivileged user with no capabilities.
  const nobody = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];
  const r = spawnSync('setpriv', [...nobody, AGENT, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}
