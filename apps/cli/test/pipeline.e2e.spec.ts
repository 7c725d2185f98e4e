import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli as run, freePort, startControlPlane, ControlPlane } from '@syscall-counter/test-support';

const cli = (args: string[], cwd?: string) => run(args, { cwd });

describe('syscall-counter against a real control plane', () => {
  let cp: ControlPlane;
  let address = '';
  let dir = '';
  let tokenFile = '';

  beforeAll(async () => {
    cp = await startControlPlane();
    ({ address, dir, tokenFile } = cp);
    for (const [host, n] of [
      ['web-1', 4000],
      ['db-1', 7000],
    ] as const) {
      expect(cp.runAgent(host, `run-${host}`, ['getppid', String(n)]).status).toBe(0);
    }
  });

  afterAll(() => cp.close());

  const conn = () => ['--server', address, '--token-file', tokenFile];

  it('top --run shows the run’s exact counts, in table, CSV and JSON', () => {
    const csv = cli(['top', ...conn(), '--run', 'run-web-1', '--format', 'csv']);
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('syscall_nr,name,count');
    expect(lines[1]).toBe('110,getppid,4000');

    const json = JSON.parse(cli(['top', ...conn(), '--run', 'run-web-1', '--format', 'json']).stdout);
    expect(json.syscalls[0]).toEqual({ nr: 110, name: 'getppid', count: '4000' });
    expect(json.arch).toBe('x86_64');

    const table = cli(['top', ...conn(), '--host', 'db-1', '-n', '1']);
    expect(table.stdout).toMatch(/^Busiest syscalls, host db-1, /);
    expect(table.stdout).toMatch(/\n +110 \| getppid \| +7000 \|/);
    expect(table.stdout).toMatch(/\nTotal syscalls \(top 1\): 7000\n/);
  });

  it('top fleet-wide sums every host; --by host splits it', () => {
    const csv = cli(['top', ...conn(), '--format', 'csv'])
      .stdout.trim()
      .split('\n');
    expect(csv[1]).toBe('110,getppid,11000');
    const byHost = cli(['top', ...conn(), '--by', 'host', '--format', 'json']);
    const doc = JSON.parse(byHost.stdout);
    expect(doc.rows.map((r: { key: string }) => r.key).sort()).toEqual(['db-1', 'web-1']);
    expect(doc.rows.reduce((s: bigint, r: { count: string }) => s + BigInt(r.count), 0n)).toBe(BigInt(doc.total));
  });

  it('hosts and runs list what was collected', () => {
    const hosts = cli(['hosts', ...conn(), '--format', 'csv'])
      .stdout.trim()
      .split('\n');
    expect(hosts[0]).toBe('host,hostname,kernel,arch,runs,first_seen,last_seen,total,bpf_ns');
    expect(hosts.slice(1).map((l) => l.split(',')[0])).toEqual(['db-1', 'web-1']);
    // The agents' own kernel time per syscall (BPF run-time statistics): a whole number of ns.
    for (const l of hosts.slice(1)) expect(l.split(',')[8]).toMatch(/^[1-9]\d*$/);
    const runs = JSON.parse(cli(['runs', ...conn(), '--host', 'web-1', '--format', 'json']).stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: 'run-web-1', hostId: 'web-1', finished: true, intervalMs: 1000 });
  });

  it.each([
    [['top', '--host', 'nope'], 1, /^syscall-counter: unknown host 'nope'\n$/],
    [['top', '--run', 'nope'], 1, /^syscall-counter: unknown run 'nope'\n$/],
    [['top', '--since', 'yesterdayish'], 2, /cannot read 'yesterdayish' as a time/],
    [
      ['top', '--since', '2001-01-01', '--until', '2001-01-02'],
      1,
      /no data for fleet-wide between 2001-01-01T00:00:00Z and 2001-01-02T00:00:00Z/,
    ],
    [['top', '--by', 'planet'], 2, /argument 'planet' is invalid/],
  ])('%j fails with a clear message', (args, status, message) => {
    const r = cli([...(args as string[]), ...conn()]);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('says where the control plane should be when it is unreachable, and when the token is wrong', async () => {
    const down = cli(['top', '--server', `127.0.0.1:${await freePort()}`, '--token-file', tokenFile]);
    expect(down.status).toBe(1);
    // One line, no grpc-js chain ("14 UNAVAILABLE: No connection established. Last error: ..."), a hint for an
    // installed tool (issue 13).
    expect(down.stderr).toMatch(/^syscall-counter: cannot reach the control plane at [\d.:]+ \(connection refused/);
    expect(down.stderr).toContain("is it running ('systemctl status syscall-counter-control-plane' on its host)");
    expect(down.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(down.stderr).not.toMatch(/No connection established|UNAVAILABLE/);
    writeFileSync(join(dir, 'bad'), 'nope-nope-nope-nope');
    const bad = cli(['hosts', '--server', address, '--token-file', join(dir, 'bad')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/rejected the token/);
    expect(bad.stderr).toMatch(/ \(wrong token: .*\): check --token-file \(or SYSCALL_COUNTER_TOKEN_FILE\)/);
  });

  it(
    '--server a,b (or the env, or config.json) queries the first replica that answers; ' +
      'a malformed list is a usage error',
    async () => {
      const down = `127.0.0.1:${await freePort()}`;
      const csv = cli(['top', '--server', `${down},${address}`, '--token-file', tokenFile, '--format', 'csv']);
      expect(csv.status).toBe(0);
      expect(csv.stdout.trim().split('\n')[1]).toBe('110,getppid,11000');
      // The title names the replica that answered, not the whole list.
      const table = cli(['top', '--server', `${down},${address}`, '--token-file', tokenFile]);
      expect(table.status).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(new RegExp(`\\(control plane ${address.replace(/\./g, '\\.')}\\)$`));
      const none = cli(['hosts', '--server', `${down},${down}`, '--token-file', tokenFile]);
      expect(none.status).toBe(1);
      expect(none.stderr).toMatch(/cannot reach the control plane at 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ /);
      // The same list from the environment and from the config file (issue 12: "and the same in their env/config").
      const env = run(['top', '--format', 'csv'], {
        env: { SYSCALL_COUNTER_SERVER: `${down},${address}`, SYSCALL_COUNTER_TOKEN_FILE: tokenFile },
      });
      expect([env.status, env.stdout.trim().split('\n')[1]]).toEqual([0, '110,getppid,11000']);
      const config = join(dir, 'replicas.json');
      writeFileSync(config, JSON.stringify({ server: `${down},${address}`, tokenFile }));
      const file = run(['top', '--format', 'csv'], { env: { SYSCALL_COUNTER_CONFIG: config } });
      expect([file.status, file.stdout.trim().split('\n')[1]]).toEqual([0, '110,getppid,11000']);
      const bad = cli(['hosts', '--server', `${address},`, '--token-file', tokenFile]);
      expect([bad.status, bad.stderr]).toEqual([
        2,
        `syscall-counter: --server '${address},' is not HOST[:PORT][,HOST[:PORT]...]\n`,
      ]);
    },
  );
});

describe('syscall-counter top with the embedded control plane', () => {
  it('collects through a local agent and its own control plane into a SQLite file, then queries it', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sc-embedded-'));
    try {
      const r = cli(['top', '-d', '1', '-n', '5', '--format', 'csv'], cwd);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe('syscall_nr,name,count');
      expect(lines.length).toBeGreaterThan(1);
      const db = require('better-sqlite3')(join(cwd, 'data/syscall-counter.db'), { readonly: true });
      const run = db.prepare('SELECT finished, last_seq FROM runs').get();
      const stored = db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM run_totals').get();
      db.close();
      expect(run.finished).toBe(1);
      const printed = lines.slice(1).reduce((s, l) => s + BigInt(l.split(',')[2]), 0n);
      expect(printed).toBe(BigInt(stored.n));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
