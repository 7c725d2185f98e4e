import { CONTROL_PLANE_MAIN, createDatabase, freePort, testEngine, testPgUrl } from '@syscall-counter/test-support';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

// A replica whose PostgreSQL says no (README "Running a fleet on PostgreSQL": the role must own the
// database) says why in one line and exits 1 at once; it retried such refusals for 27 s with a
// stack trace each, then exited with only Nest's multi-line report.
(testEngine() === 'postgres' ? describe : describe.skip)('a replica the database refuses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-pgstart-'));
  const role = `sc_guest_${process.pid}`;
  let dbUrl = '';
  const asRole = (url: string) => url.replace(/^postgres:\/\/[^@]+@/, `postgres://${role}@`);

  beforeAll(async () => {
    writeFileSync(join(dir, 'token'), 'test-token-0123456789abcdef');
    dbUrl = createDatabase();
    const su = new Client({ connectionString: testPgUrl() });
    await su.connect();
    await su.query(`CREATE ROLE ${role} LOGIN`); // neither owner nor CREATE on schema public
    await su.end();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const su = new Client({ connectionString: testPgUrl() });
    await su.connect();
    await su.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`).catch(() => undefined);
    await su.end();
  });

  async function start(url: string) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [CONTROL_PLANE_MAIN], {
      env: {
        ...process.env,
        SC_DB_URL: url,
        SC_TOKEN_FILE: join(dir, 'token'),
        SC_LISTEN: `127.0.0.1:${await freePort()}`,
        SC_METRICS_LISTEN: 'off',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, ms: Date.now() - t0, stderr: r.stderr };
  }

  it.each([
    ['a role that does not own the database', () => asRole(dbUrl), 'permission denied for schema public'],
    [
      'a database that does not exist',
      () => dbUrl.replace(/\/[^/]+$/, '/sc_no_such_db'),
      'database "sc_no_such_db" does not exist',
    ],
  ])('%s: exit 1 at once, no retries, the reason in one line', async (_what, url, reason) => {
    const r = await start(url());
    // One line says why: no report of the error with its stack before it.
    expect([r.status, r.stderr.trim().split('\n')]).toEqual([1, [`control-plane: cannot start: ${reason}`]]);
    expect(r.stderr).not.toMatch(/Retrying/);
    expect(r.ms).toBeLessThan(10_000);
  });
});
