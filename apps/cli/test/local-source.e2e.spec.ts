import { cli, ControlPlane, csvRows, startControlPlane } from '@syscall-counter/test-support';

// With a control plane configured, top reads its history; --local collects here, and the
// header says which source is shown (issue 13).
describe('top: --local and the source in the header', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
    expect(cp.runAgent('h-source', 'run-source', ['getppid', '321']).status).toBe(0);
  });
  afterAll(() => cp.close());

  it('the history header names the control plane', () => {
    const r = cli(['top', '--run', 'run-source', ...cp.conn]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      new RegExp(`^Busiest syscalls, run run-source, .*\\(control plane ${cp.address}\\)$`),
    );
  });

  it('-d with a configured control plane is a usage error pointing at --local', () => {
    const r = cli(['top', '-d', '1'], { env: { SYSCALL_COUNTER_SERVER: cp.address } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `syscall-counter: -d collects on this host, but top reads the history of ${cp.address}: add --local\n`,
    );
  });

  it('--local -d 1 collects on this host although a control plane is configured', () => {
    const r = cli(['top', '--local', '-d', '1', '--format', 'csv'], { env: { SYSCALL_COUNTER_SERVER: cp.address } });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('syscall_nr,name,count');
    expect(csvRows(r.stdout).length).toBeGreaterThan(0);
  });
});
