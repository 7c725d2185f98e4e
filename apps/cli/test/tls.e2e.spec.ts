import { spawnSync } from 'node:child_process';
import { AGENT, cli, ControlPlane, makeCa, makeCert, startControlPlane, WORKLOAD } from '@syscall-counter/test-support';

describe('TLS between agent, control plane and CLI (real certificates)', () => {
  let cp: ControlPlane;
  let ca = '';

  beforeAll(async () => {
    cp = await startControlPlane((dir) => {
      ca = makeCa(dir);
      const server = makeCert(dir, 'server', 'localhost', 'IP:127.0.0.1,DNS:localhost');
      return { SC_TLS_CERT: server.cert, SC_TLS_KEY: server.key };
    });
  });
  afterAll(() => cp.close());

  it('an agent with --tls-ca streams over TLS, and the CLI with --tls-ca reads the exact count back', () => {
    const r = spawnSync(
      AGENT,
      [
        '--server',
        cp.address,
        '--token-file',
        cp.tokenFile,
        '--tls-ca',
        ca,
        '--run-id',
        'over-tls',
        '-i',
        '1',
        '--',
        WORKLOAD,
        'getppid',
        '3000',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    const top = cli(['top', ...cp.conn, '--tls-ca', ca, '--run', 'over-tls', '--format', 'csv']);
    expect(top.stderr).toBe('');
    expect(top.stdout.split('\n')[1]).toBe('110,getppid,3000');
  });

  it('a CLI without the CA cannot talk to the TLS control plane, and says where it tried', () => {
    const r = cli(['hosts', ...cp.conn]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot reach the control plane at ${cp.address.replace(/\./g, '\\.')}`));
  });

  it('a CA file that does not exist is a clear error', () => {
    const r = cli(['hosts', ...cp.conn, '--tls-ca', '/nonexistent/ca.pem']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read the CA file \/nonexistent\/ca\.pem: ENOENT/);
  });
});
