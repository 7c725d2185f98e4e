import { cli, csvRows, WORKLOAD } from '@syscall-counter/test-support';

// One meaning per flag across agent and CLI (issue 13): -o is the format, -T is -n.
describe('flags that fit habits', () => {
  it('-o csv is --format csv, and -T 2 is -n 2', () => {
    const args = ['--', WORKLOAD, 'getppid', '700'];
    const long = cli(['errors', '--format', 'csv', '-a', ...args]);
    const short = cli(['errors', '-o', 'csv', '-a', ...args]);
    expect(short.status).toBe(0);
    expect(short.stdout.split('\n')[0]).toBe(long.stdout.split('\n')[0]);
    expect(
      csvRows(short.stdout)
        .find((r) => r[1] === 'getppid')!
        .slice(2, 4),
    ).toEqual(['700', '0']);
    const byT = cli(['errors', '-a', '-T', '2', ...args])
      .stdout.trimEnd()
      .split('\n');
    const byN = cli(['errors', '-a', '-n', '2', ...args])
      .stdout.trimEnd()
      .split('\n');
    // A title, the header, two rows and the total line, either way.
    expect(byT.length).toBe(5);
    expect(byN.length).toBe(5);
  });

  it.each([[['top']], [['latency']], [['plot', 'bar', '--out', '/tmp/sc-never']], [['export', 'top']]])(
    '%j: --since after --until is a usage error (exit 2)',
    (cmd) => {
      const r = cli([...cmd, '--server', '127.0.0.1:1', '--since', '1h', '--until', '2h']);
      expect(r.stderr).toBe('syscall-counter: --since 1h is after --until 2h\n');
      expect(r.status).toBe(2);
    },
  );
});
