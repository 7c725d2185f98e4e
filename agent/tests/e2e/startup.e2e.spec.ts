import { spawnSync } from 'node:child_process';
import {
  AGENT,
  cli,
  ControlPlane,
  csvRows,
  runAgent,
  startControlPlane,
  WORKLOAD,
} from '@syscall-counter/test-support';

// Issue 13: what the agent says at start, before it counts anything.
describe('agent start-up: --server without a port or a token, and without privileges', () => {
  let cp: ControlPlane;

  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(() => cp.close());

  it('--server without --token-file is a usage error at start (the control plane always wants a token)', () => {
    const r = runAgent(['--server', cp.address, '--', WORKLOAD, 'getppid', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'syscall-counter-agent: --server needs --token-file FILE, the token the control plane expects ' +
        "(its SC_TOKEN_FILE, or this host's line of its SC_TOKENS_FILE)",
    );
    expect(r.stdout).toBe('');
  });

  it('--server HOST without a port means 50051, also in a list of replicas', () => {
    // Nothing listens on 127.0.0.1:50051 in the tests (free ports only): the agent is refused
    // there, moves to the second replica and stores its run there.
    const r = runAgent([
      ...['--server', `127.0.0.1,${cp.address}`, '--token-file', cp.tokenFile],
      ...['--host-id', 'h-port', '--run-id', 'run-port', '-i', '1', '-o', 'csv', '--', WORKLOAD, 'getppid', '4321'],
    ]);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    const top = cli(['top', '--run', 'run-port', '-o', 'csv', ...cp.conn]);
    expect(csvRows(top.stdout).find((row) => row[1] === 'getppid')?.[2]).toBe('4321');
  });

  it.each([['a b'], ['[::1'], ['[]:1'], ['h:123456'], ['a,']])('--server %j is a usage error', (server) => {
    const r = runAgent(['--server', server, '--token-file', cp.tokenFile, '-d', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is not HOST\[:PORT\]\[,HOST\[:PORT\]\.\.\.\] \(at most 16; the port defaults to 50051\)/);
  });

  it('as non-root, the one actionable line comes alone (libbpf speaks with -v only)', () => {
    const nobody = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];
    const r = spawnSync('setpriv', [...nobody, AGENT, '-d', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'syscall-counter-agent: needs root or CAP_BPF+CAP_PERFMON to count syscalls in the kernel: run as root, ' +
        'or grant CAP_BPF and CAP_PERFMON (setcap cap_bpf,cap_perfmon+ep syscall-counter-agent)\n',
    );
  });
});
