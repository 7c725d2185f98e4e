import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT, cli, startControlPlane, ControlPlane, WORKLOAD } from '@syscall-counter/test-support';

/** A throw-away CA and a server certificate for 127.0.0.1 signed by it. */
function makeCerts(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=syscall-counter test CA',
  );
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
}

describe('TLS between agent, control plane and CLI (real certificates)', () => {
  let cp: ControlPlane;
  let ca = '';

  beforeAll(async () => {
    cp = await startControlPlane((dir) => {
      makeCerts(dir);
      return { SC_TLS_CERT: join(dir, 'server.pem'), SC_TLS_KEY: join(dir, 'server.key') };
    });
    ca = join(cp.dir, 'ca.pem');
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
