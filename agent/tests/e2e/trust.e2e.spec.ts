import {
  AGENT_READY,
  ControlPlane,
  makeCa,
  makeCert,
  runAgent,
  spawnAgent,
  waitForOutput,
  WORKLOAD,
} from '@syscall-counter/test-support';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Issue 11: the agent refuses to lose counts silently, ends cleanly on SIGHUP, checks its token at start.
function runTotal(cp: ControlPlane, runId: string): unknown {
  const db = cp.db();
  try {
    return db
      .prepare(
        `SELECT r.finished, (SELECT SUM(count) FROM run_totals t WHERE t.run_id = r.run_id AND t.nr = 110) AS getppid
           FROM runs r WHERE r.run_id = ?`,
      )
      .get(runId);
  } finally {
    db.close();
  }
}

describe('agent: refusals, SIGHUP and its token', () => {
  const cp = new ControlPlane();
  beforeAll(() => cp.start());
  afterAll(() => cp.close());

  it('exits non-zero saying why when its --run-id belongs to another agent start, and loses nothing', () => {
    expect(cp.runAgent('web-1', 'run-reused', ['getppid', '1000']).status).toBe(0);
    const again = cp.runAgent('web-1', 'run-reused', ['getppid', '1000']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(
      /the control plane refused this run: run 'run-reused' exists from another agent start/,
    );
    expect(runTotal(cp, 'run-reused')).toEqual({ finished: 1, getppid: 1000 });
  });

  it('ends on SIGHUP like SIGTERM: a final snapshot, acked, and exit 0', async () => {
    const agent = spawnAgent([...cp.conn, '--host-id', 'web-1', '--run-id', 'run-hup', '-i', '1']);
    await waitForOutput(agent.proc, 'stderr', AGENT_READY, 'the agent');
    agent.proc.kill('SIGHUP');
    const status = await new Promise((r) => agent.proc.on('close', (code) => r(code)));
    expect(status).toBe(0);
    expect(runTotal(cp, 'run-hup')).toMatchObject({ finished: 1 });
  });

  it.each([
    ['an empty token file', '\n', /token file '.*' is empty/],
    ['a token longer than it can send', 'x'.repeat(600), /is 600 characters long; at most 500 can be sent/],
    ['a token with a space', 'abcdefgh ijklmnopq', /holds a space or a non-printable byte at offset 8/],
  ])('refuses %s at start with one line', (_what, content, message) => {
    const file = join(cp.dir, 'bad-token');
    writeFileSync(file, content);
    const r = runAgent(['--server', cp.address, '--token-file', file, '--', WORKLOAD, 'getppid', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});

describe('agent: mTLS, the certificate names the host', () => {
  const cp = new ControlPlane((dir) => {
    makeCa(dir);
    const server = makeCert(dir, 'server', 'localhost', 'IP:127.0.0.1,DNS:localhost');
    makeCert(dir, 'web1', 'web-1', 'DNS:web-1');
    return { SC_TLS_CERT: server.cert, SC_TLS_KEY: server.key, SC_TLS_CA: join(dir, 'ca.pem') };
  });
  beforeAll(() => cp.start());
  afterAll(() => cp.close());

  const tls = () => ['--tls-ca', join(cp.dir, 'ca.pem'), '--tls-cert', join(cp.dir, 'web1.pem')];
  const key = () => ['--tls-key', join(cp.dir, 'web1.key')];

  it('streams as the host its certificate names, exact counts', () => {
    const r = cp.runAgent('web-1', 'run-mtls', ['getppid', '700'], [...tls(), ...key()]);
    expect(r.stderr).not.toMatch(/refused/);
    expect(r.status).toBe(0);
    expect(runTotal(cp, 'run-mtls')).toEqual({ finished: 1, getppid: 700 });
  });

  it('is refused (PERMISSION_DENIED) as another host, exits 1 and stores nothing', () => {
    const r = cp.runAgent('db-1', 'run-mtls-forged', ['getppid', '700'], [...tls(), ...key()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refused this run: the client certificate names web-1, not 'db-1' \(status 7\)/);
    expect(runTotal(cp, 'run-mtls-forged')).toBeUndefined();
  });

  it('takes --tls-cert and --tls-key together only (usage error)', () => {
    const r = runAgent(['--server', cp.address, ...tls(), '--', WORKLOAD, 'getppid', '1']);
    expect(r.status).toBe(2); // a usage error, as for the agent's other usage errors
    expect(r.stderr).toMatch(/--tls-cert and --tls-key go together/);
  });
});
