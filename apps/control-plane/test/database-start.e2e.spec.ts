import { CONTROL_PLANE_MAIN, ControlPlane } from '@syscall-counter/test-support';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collector, CollectSession, auth, hello, snapshot } from './grpc-client';

/** Starts the control plane on @dbPath and expects it to give up: exit 1, one line, within 2 s. */
function startFails(dir: string, dbPath: string) {
  writeFileSync(join(dir, 'token'), 'test-token-0123456789abcdef');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CONTROL_PLANE_MAIN], {
    env: { ...process.env, SC_LISTEN: '127.0.0.1:1', SC_DB_PATH: dbPath, SC_TOKEN_FILE: join(dir, 'token') },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, ms: Date.now() - t0, lines: `${r.stdout}${r.stderr}`.trim().split('\n') };
}

describe('the database at start: corrupt, read-only or not a file gives one clear line and exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-dbstart-'));
  let good = '';

  beforeAll(async () => {
    // A real database with some history, to damage in copies.
    const cp = new ControlPlane();
    await cp.start();
    const s = new CollectSession(collector(cp), auth());
    s.send(hello('run-db'));
    for (let seq = 1; seq <= 50; seq++)
      s.send(snapshot('run-db', seq, Object.fromEntries(Array.from({ length: 300 }, (_, nr) => [nr, seq * (nr + 1)]))));
    await s.next(51);
    s.close();
    await cp.stop();
    good = join(dir, 'good.db');
    copyFileSync(cp.dbPath, good);
    cp.cleanup();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file that is not a SQLite database', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const r = startFails(dir, path);
    expect(r).toMatchObject({ status: 1, lines: [expect.stringMatching(/garbage\.db is corrupt or not a SQLite/)] });
    expect(r.ms).toBeLessThan(2000);
  });

  it('catches corruption inside pages with quick_check', () => {
    const path = join(dir, 'damaged.db');
    copyFileSync(good, path);
    const fd = openSync(path, 'r+');
    // Page headers (page 1 holds the file's header and schema: it stays) overwritten with garbage.
    for (let page = 4; page < 40; page += 3) writeSync(fd, Buffer.alloc(16, 0xa5), 0, 16, page * 4096);
    closeSync(fd);
    const r = startFails(dir, path);
    expect(r).toMatchObject({ status: 1, lines: [expect.stringMatching(/damaged\.db is corrupt/)] });
    expect(r.ms).toBeLessThan(2000);
  });

  it('refuses a device or directory as the database', () => {
    const r = startFails(dir, '/dev/null');
    expect(r).toMatchObject({
      status: 1,
      lines: ['control-plane: cannot start: database /dev/null is not a regular file'],
    });
  });

  it('says "read-only" for a database on a read-only filesystem', () => {
    const mnt = join(dir, 'ro');
    mkdirSync(mnt);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]).status).toBe(0);
    try {
      copyFileSync(good, join(mnt, 'history.db'));
      expect(spawnSync('mount', ['-o', 'remount,ro', mnt]).status).toBe(0);
      const r = startFails(dir, join(mnt, 'history.db'));
      expect(r).toMatchObject({ status: 1, lines: [expect.stringMatching(/history\.db is read-only \(EROFS\)/)] });
      expect(r.ms).toBeLessThan(2000);
      const fresh = startFails(dir, join(mnt, 'new', 'history.db'));
      expect(fresh).toMatchObject({
        status: 1,
        lines: [expect.stringMatching(/cannot create the database in .*ro\/new: .*ro is read-only/)],
      });
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});
