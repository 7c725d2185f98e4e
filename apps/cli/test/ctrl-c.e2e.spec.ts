import { CLI_MAIN, csvRows, sleep, spawnCollecting, waitForOutput } from '@syscall-counter/test-support';

/**
 * Starts the CLI in a process group of its own, as a shell does, so a Ctrl-C at a terminal (SIGINT to
 * the whole foreground group) can be sent the same way.
 */
function startInGroup(args: string[]) {
  return spawnCollecting('node', [CLI_MAIN, ...args], {
    detached: true,
    env: { ...process.env, SYSCALL_COUNTER_CONFIG: '/nonexistent' },
  });
}

// Like strace -c and syscount: Ctrl-C prints what was collected and exits 0 (issue 13).
describe('Ctrl-C during a local top (real agent, embedded control plane)', () => {
  it('top -d 20: the rows collected so far, exit 0', async () => {
    const p = startInGroup(['top', '-d', '20', '--format', 'csv']);
    // Counting has begun once the embedded control plane has the run: then interrupt.
    await sleep(4000);
    const started = Date.now();
    process.kill(-p.proc.pid!, 'SIGINT');
    const r = await p.done;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(r.stdout.split('\n')[0]).toBe('syscall_nr,name,count');
    expect(csvRows(r.stdout).length).toBeGreaterThan(0);
  });

  it('top -w: the first frame, then Ctrl-C ends it with exit 0 and nothing unacked', async () => {
    const p = startInGroup(['top', '-w', '--refresh', '1']);
    await waitForOutput(p.proc, 'stdout', 'last 5 s', 'top -w');
    const started = Date.now();
    process.kill(-p.proc.pid!, 'SIGINT');
    const r = await p.done;
    expect(r.stderr).not.toContain('not acked');
    expect(r.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
