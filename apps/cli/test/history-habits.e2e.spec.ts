import { cli, csvRows, ControlPlane, startControlPlane } from '@syscall-counter/test-support';

/** COUNT of a syscall in a CSV of top or errors (columns syscall_nr, name, count, ...). */
const countOf = (csv: string, name: string) => csvRows(csv).find((r) => r[1] === name)?.[2];

// Issue 13, "flags and messages that fit habits": errors reads history like latency, --host repeats,
// diff takes run-id prefixes; real agents streaming --errors to a real control plane.
describe('history commands: errors from the history, several hosts, diff of run-id prefixes', () => {
  let cp: ControlPlane;
  const q = (args: string[]) => cli([...args, ...cp.conn]);
  const RUN_A = 'de523dc5-1111-4aaa-8bbb-000000000001';
  const RUN_B = 'de52aaaa-2222-4aaa-8bbb-000000000002';

  beforeAll(async () => {
    cp = await startControlPlane();
    // close N BAD: N close calls, BAD of them on fd -1 (EBADF), and N - BAD dup calls.
    const runs: Array<[string, string, string, string]> = [
      ['h-a', RUN_A, '1000', '300'],
      ['h-b', RUN_B, '500', '200'],
      ['h-c', 'run-c', '100', '50'],
    ];
    for (const [host, run, n, bad] of runs) {
      const r = cp.runAgent(host, run, ['close', n, bad], ['--errors']);
      expect({ run, status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    }
  });
  afterAll(() => cp.close());

  it('errors --server reads the stored failures: the local columns, exact counts and errnos', () => {
    const csv = q(['errors', '--host', 'h-a', '--host', 'h-b', '-o', 'csv']);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe('syscall_nr,name,count,failed,failed_pct,errnos');
    // COUNT is every call: the N close calls and the loader's own (the same as top's count); FAILED exact.
    const calls = countOf(q(['top', '--host', 'h-a', '--host', 'h-b', '-o', 'csv']).stdout, 'close')!;
    const close = csvRows(csv.stdout).find((r) => r[1] === 'close')!;
    expect(close).toEqual(['3', 'close', calls, '500', ((500 * 100) / Number(calls)).toFixed(1), 'EBADF:500']);
    // Only syscalls that failed, unless -a.
    expect(csvRows(csv.stdout).every((r) => Number(r[3]) > 0)).toBe(true);
    expect(countOf(q(['errors', '-a', '--host', 'h-a', '--host', 'h-b', '-o', 'csv']).stdout, 'dup')).toBe('1000');

    // --run takes the prefix a local top prints; --since as in latency.
    const run = q(['errors', '--run', 'de523dc5', '--since', '1h', '-o', 'csv']);
    expect(run.status).toBe(0);
    expect(
      csvRows(run.stdout)
        .find((r) => r[1] === 'close')
        ?.slice(3),
    ).toEqual(['300', expect.any(String), 'EBADF:300']);
    const table = q(['errors', '--run', 'de523dc5']);
    expect(table.stdout).toMatch(new RegExp(`^Failed syscalls, run ${RUN_A}, `));
    const json = JSON.parse(q(['errors', '--host', 'h-c', '-o', 'json']).stdout);
    const closeJson = json.syscalls.find((r: { name: string }) => r.name === 'close');
    expect(closeJson).toMatchObject({ nr: 3, failed: 50, errnos: [{ errno: 9, name: 'EBADF', count: 50 }] });
    expect(json.failed).toBe(json.syscalls.reduce((sum: number, r: { failed: number }) => sum + r.failed, 0));
  });

  it('errors: --local with history flags, or a command with a server, is a usage error', () => {
    const local = q(['errors', '--local', '--host', 'h-a']);
    expect([local.status, local.stderr]).toEqual([
      2,
      'syscall-counter: --local collects on this host: --host, --run, --since and --until read a control plane\n',
    ]);
    const command = cli(['errors', ...cp.conn, '--', 'true']);
    expect(command.status).toBe(2);
    expect(command.stderr).toMatch(/a command, -p and --comm apply on this host: against a control plane, use --host/);
  });

  it('a repeated --host (or a,b) selects several hosts: top, series and diff give exactly their sum', () => {
    const counts = (hosts: string[]) =>
      csvRows(q(['top', ...hosts.flatMap((h) => ['--host', h]), '-o', 'csv']).stdout).map((r) => [r[1], BigInt(r[2])]);
    const sum = new Map<string, bigint>();
    for (const [name, c] of [...counts(['h-a']), ...counts(['h-c'])] as Array<[string, bigint]>)
      sum.set(name, (sum.get(name) ?? 0n) + c);
    expect(new Map(counts(['h-a', 'h-c']) as Array<[string, bigint]>)).toEqual(sum);
    const two = q(['top', '--host', 'h-a', '--host', 'h-c', '-o', 'csv']);
    // close(dup(0)): N - BAD dup calls each, none from the loader.
    expect(countOf(two.stdout, 'dup')).toBe('750');
    expect(q(['top', '--host', 'h-a,h-c', '-o', 'csv']).stdout).toBe(two.stdout);
    const title = q(['top', '--host', 'h-a', '--host', 'h-c', '-n', '1']).stdout.split('\n')[0];
    expect(title).toMatch(/^Busiest syscalls, hosts h-a, h-c, /);

    const series = csvRows(q(['export', 'series', '--host', 'h-b', '--host', 'h-c', '--bucket', '1s']).stdout);
    expect(series.filter((r) => r[3] === 'dup').reduce((s, r) => s + BigInt(r[4]), 0n)).toBe(350n);

    const diff = csvRows(q(['diff', 'h-a,h-b@1h', 'h-c@1h', '-o', 'csv']).stdout);
    expect(diff.find((r) => r[1] === 'dup')!.slice(2, 5)).toEqual(['1000', '50', '-950']);
  });

  it('an unknown host among several is named; an empty one is a usage error', () => {
    const r = q(['top', '--host', 'h-a', '--host', 'nope']);
    expect([r.status, r.stderr]).toEqual([1, "syscall-counter: unknown host 'nope'\n"]);
    expect(q(['top', '--host', 'h-a,']).status).toBe(2);
  });

  it('diff takes unique prefixes of run ids; an ambiguous one lists the candidates, exit 2', () => {
    const csv = q(['diff', 'de523dc5', 'de52aaaa', '-o', 'csv']);
    expect(csv.status).toBe(0);
    expect(
      csvRows(csv.stdout)
        .find((r) => r[1] === 'dup')!
        .slice(2, 5),
    ).toEqual(['700', '300', '-400']);
    expect(q(['diff', 'de523dc5', 'de52aaaa']).stdout.split('\n')[0]).toMatch(new RegExp(`^A: run ${RUN_A} `));
    const ambiguous = q(['diff', 'de52', 'run-c']);
    expect([ambiguous.status, ambiguous.stderr]).toEqual([
      2,
      `syscall-counter: run 'de52' is ambiguous: it starts 2 runs (${RUN_A}, ${RUN_B})\n`,
    ]);
  });

  it('--server HOST without a port uses 50051, also in a list; the port named is kept', () => {
    // Nothing listens on 127.0.0.1:50051 in the tests (they use free ports): the first replica is
    // refused there, the second answers.
    const conn = ['--token-file', cp.tokenFile];
    const list = cli(['top', '--server', `127.0.0.1,${cp.address}`, ...conn, '-o', 'csv']);
    expect(list.status).toBe(0);
    expect(countOf(list.stdout, 'dup')).toBe('1050');
    const down = cli(['hosts', '--server', '127.0.0.1', ...conn]);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/^syscall-counter: cannot reach the control plane at 127\.0\.0\.1:50051 \(/);
    const bad = cli(['hosts', '--server', 'a b', ...conn]);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      "syscall-counter: --server 'a b' is not HOST[:PORT][,HOST[:PORT]...]\n",
    ]);
  });
});
