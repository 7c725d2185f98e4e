import { cli, CONTROL_PLANE_MAIN, ControlPlane, freePort, sleep, testEngine } from '@syscall-counter/test-support';
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { EXPIRY_LOCK_KEY } from '../src/retention/expiry.repository';
import { auth, collector, CollectSession, hello, snapshot } from './grpc-client';

const HOUR = 3_600_000;
/** grpc-client's runs start here (2023-11-14T22:13:20Z) and take a snapshot a second. */
const START = 1_700_000_000_000;
// Hourly totals forever: the test's history is from 2023.
const EXPIRING = { SC_RETAIN_RAW: '14d', SC_RETAIN_HOURLY: 'off', SC_EXPIRE_EVERY: '1s', SC_EXPIRE_FIRST: '1s' };

/** Streams @n snapshots of run @runId (getpid, nr 39: 10 calls a second) from 2023: long expired. */
async function streamOld(cp: ControlPlane, runId: string, n: number): Promise<void> {
  const s = new CollectSession(collector(cp), auth());
  s.send(hello(runId, 'host-old'));
  for (let seq = 1; seq <= n; seq++) s.send(snapshot(runId, seq, { 39: seq * 10 }));
  await s.next(n + 1);
  s.close();
}

/** The expiry log lines of a control plane, parsed. */
function expiryLines(cp: ControlPlane, msg: string): Array<Record<string, number>> {
  return cp.log
    .split('\n')
    .filter((l) => l.includes(`"msg":"${msg}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((j) => (typeof j.message === 'object' ? j.message : j) as Record<string, number>);
}

async function until(what: string, ok: () => boolean, logs: ControlPlane[], ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await sleep(100))
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; logs:\n${logs.map((cp) => cp.log.slice(-3000)).join('\n')}`);
}

describe('retention settings', () => {
  it.each([
    ['SC_RETAIN_RAW', { SC_RETAIN_RAW: '2weeks' }],
    ['SC_RETAIN_HOURLY', { SC_RETAIN_RAW: '14d', SC_RETAIN_HOURLY: '7d' }],
    ['SC_EXPIRE_EVERY', { SC_EXPIRE_EVERY: 'soon' }],
  ])('a bad %s stops the start: one line, exit 2', (name, env) => {
    const r = spawnSync(process.execPath, [CONTROL_PLANE_MAIN], {
      env: { ...process.env, SC_TOKEN: 'test-token-0123456789abcdef', SC_LISTEN: '127.0.0.1:1', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^control-plane: ${name} `));
  });
});

describe('background expiry (SC_RETAIN_RAW=14d)', () => {
  const cp = new ControlPlane(EXPIRING);
  beforeAll(() => cp.start());
  afterAll(() => cp.close());

  it('removes raw rows older than the retention; hourly totals answer, and the CLI says so', async () => {
    await streamOld(cp, 'run-old', 20);
    // Passes run every second, also while the snapshots arrive: together they remove all 20.
    const removed = () => expiryLines(cp, 'expiry pass done').reduce((n, l) => n + l.snapshots, 0);
    await until('expiry passes that removed the 20 snapshots', () => removed() === 20, [cp]);
    const pass = expiryLines(cp, 'expiry pass done').find((l) => l.snapshots > 0)!;
    const mark = new Date(pass.rawBeforeMs).toISOString().replace('.000Z', 'Z');
    expect(pass.rawBeforeMs % HOUR).toBe(0);
    const db = cp.db();
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM snapshots').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM deltas').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT SUM(count) AS s FROM hourly_counts').get()).toEqual({ s: 200 });
      expect(db.prepare('SELECT SUM(count) AS s FROM host_totals').get()).toEqual({ s: 200 });
    } finally {
      db.close();
    }
    const hour = new Date(START - (START % HOUR)).toISOString();
    const next = new Date(START - (START % HOUR) + HOUR).toISOString();
    const window = ['--since', hour, '--until', next];
    const top = cli(['top', ...cp.conn, ...window, '--arch', 'x86_64']);
    expect(top.stderr).toBe('');
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/ getpid \| +200 \|/);
    expect(top.stdout.split('\n')).toContain(`raw history before ${mark} has expired; hourly totals shown`);
    // Per run only raw rows answer: none are left, and the CLI says why rather than a silent nothing.
    const byRun = cli(['top', ...cp.conn, ...window, '--by', 'run']);
    expect(byRun.status).toBe(1);
    expect(byRun.stderr).toContain(
      `syscall-counter: raw history before ${mark} has expired: the counts are a lower bound\n`,
    );
    const hosts = cli(['hosts', ...cp.conn]);
    expect(hosts.stdout.split('\n')).toContain(`raw history before ${mark} has expired`);
    // runs says so too, and JSON carries the retained span per host and per run.
    expect(cli(['runs', ...cp.conn]).stdout.split('\n')).toContain(`raw history before ${mark} has expired`);
    const kept = (cmd: string) =>
      JSON.parse(cli([cmd, ...cp.conn, '--format', 'json']).stdout).map(
        (x: { rawKeptFromUnixMs: string }) => x.rawKeptFromUnixMs,
      );
    expect(kept('hosts')).toEqual([String(pass.rawBeforeMs)]);
    expect(kept('runs')).toEqual([String(pass.rawBeforeMs)]);
  });
});

describe("control-plane --expire-once (the README's one expiry pass by hand)", () => {
  const cp = new ControlPlane();
  beforeAll(() => cp.start());
  afterAll(() => cp.close());
  const expireOnce = (db: Record<string, string>) =>
    spawnSync(process.execPath, [CONTROL_PLANE_MAIN, '--expire-once'], {
      env: { ...process.env, SC_TOKEN_FILE: cp.tokenFile, SC_RETAIN_RAW: '14d', SC_RETAIN_HOURLY: 'off', ...db },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('runs one pass on the configured database and prints what it removed; a second removes nothing', async () => {
    await streamOld(cp, 'run-once', 5);
    const db: Record<string, string> = cp.dbUrl ? { SC_DB_URL: cp.dbUrl } : { SC_DB_PATH: cp.dbPath };
    const first = expireOnce(db);
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(JSON.parse(first.stdout)).toMatchObject({ ran: true, snapshots: 5 });
    expect(JSON.parse(expireOnce(db).stdout)).toMatchObject({ ran: true, snapshots: 0 });
  });

  it('a database it cannot reach: one line at once, exit 1 (no retries, no silence)', async () => {
    const t0 = Date.now();
    const r = expireOnce({ SC_DB_URL: `postgres://nobody@127.0.0.1:${await freePort()}/none` });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^control-plane: cannot start: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

(testEngine() === 'postgres' ? describe : describe.skip)('two replicas on one PostgreSQL', () => {
  const a = new ControlPlane(EXPIRING);
  const b = new ControlPlane(EXPIRING);
  beforeAll(async () => {
    await a.start();
    b.dbUrl = a.dbUrl;
    await b.start();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('never run expiry at the same time: the advisory lock', async () => {
    // While someone else holds the expiry lock, both replicas skip their passes.
    const holder = new Client({ connectionString: a.dbUrl });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [EXPIRY_LOCK_KEY]);
    const skipped = (cp: ControlPlane) => expiryLines(cp, 'expiry pass skipped: another replica holds the expiry lock');
    const done = () => expiryLines(a, 'expiry pass done').length + expiryLines(b, 'expiry pass done').length;
    const doneBefore = done();
    await until('both replicas skipping', () => skipped(a).length > 0 && skipped(b).length > 0, [a, b]);
    await streamOld(a, 'run-old-a', 10);
    await streamOld(b, 'run-old-b', 10);
    const doneWhileHeld = done() - doneBefore;
    await holder.query('SELECT pg_advisory_unlock($1)', [EXPIRY_LOCK_KEY]);
    await holder.end();
    expect(doneWhileHeld).toBe(0);
    await until(
      'the old snapshots expired',
      () =>
        [...expiryLines(a, 'expiry pass done'), ...expiryLines(b, 'expiry pass done')].reduce(
          (n, l) => n + l.snapshots,
          0,
        ) === 20,
      [a, b],
    );
    await sleep(3000);
    // Every pass of one replica lies outside every pass of the other.
    const passes = (cp: ControlPlane) => expiryLines(cp, 'expiry pass done');
    for (const x of passes(a))
      for (const y of passes(b)) expect(x.endedMs < y.startedMs || y.endedMs < x.startedMs).toBe(true);
    expect(passes(a).length + passes(b).length).toBeGreaterThan(2);
  });
});
