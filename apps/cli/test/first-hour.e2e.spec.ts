import { cli, csvRows, sleep, spawnCli, WORKLOAD } from '@syscall-counter/test-support';

// The rough edges a new user hits in the first hour (issue 13), each run for real.
describe('first hour: the report on its own channel, Ctrl-C keeps what was collected', () => {
  it('errors -- echo hello: the table on stdout, the command output on stderr', () => {
    const r = cli(['errors', '--format', 'csv', '--', 'sh', '-c', `echo hello; exec ${WORKLOAD} getppid 200`]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('hello\n');
    expect(r.stdout.split('\n')[0]).toMatch(/^syscall_nr,name,/);
    expect(r.stdout).not.toContain('hello');
  });

  it('latency --format json -- CMD: valid JSON, exact counts, the command output kept apart', () => {
    const r = cli(['latency', '--format', 'json', '--', 'sh', '-c', `echo hello; exec ${WORKLOAD} getppid 400`]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('hello\n');
    const doc = JSON.parse(r.stdout);
    // sh, then the workload it execs: two execve calls, exactly.
    expect(doc.syscalls.find((s: { name: string }) => s.name === 'execve').count).toBe(2);
  });

  it.each(['errors', 'latency'])(
    'Ctrl-C during a local %s -d 20 prints what was collected and exits 0',
    async (cmd) => {
      const p = spawnCli([cmd, '-d', '20', '--format', 'csv']);
      // The agent blocks SIGINT before it loads: an early Ctrl-C still ends in a report. The pause
      // only lets it count something.
      await sleep(3000);
      const started = Date.now();
      p.proc.kill('SIGINT');
      const r = await p.done;
      expect(r.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(10000);
      expect(r.stdout.split('\n')[0]).toMatch(/^syscall_nr,name,/);
      expect(csvRows(r.stdout).length).toBeGreaterThan(0);
    },
  );
});
