import { auth, cli, collector, CollectSession, ControlPlane, csvRows, hello } from '@syscall-counter/test-support';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Issue 11: --out never replaces what is not a regular file; hostile text is inert in tables and CSV.
describe('CLI output safety: --out targets, plot size cap, escaping and CSV formulas', () => {
  const cp = new ControlPlane();
  const q = (args: string[]) => cli([...args, ...cp.conn]);
  beforeAll(async () => {
    await cp.start();
    // A host as an old control plane could have stored it: a formula of a name (this one still passes).
    const s = new CollectSession(collector(cp), auth());
    s.send(hello('r-out', 'web-1', { hostname: '=1+2', runStartedUnixMs: String(Date.now()) }));
    await s.next(1);
    s.close();
  });
  afterAll(() => cp.close());

  it('writes a device directly: /dev/full fails with ENOSPC (exit 1) and stays a device', () => {
    const r = q(['export', 'hosts', '--out', '/dev/full']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('syscall-counter: cannot write /dev/full: ENOSPC');
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(q(['export', 'hosts', '--out', '/dev/null']).status).toBe(0);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('writes through a symlink to its target, and refuses a dangling one or a directory', () => {
    const target = join(cp.dir, 'real.csv');
    const link = join(cp.dir, 'link.csv');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    expect(q(['export', 'hosts', '--out', link]).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(csvRows(readFileSync(target, 'utf8')).map((r) => r[0])).toEqual(['web-1']);
    symlinkSync(join(cp.dir, 'nowhere', 'x.csv'), join(cp.dir, 'dangling.csv'));
    const d = q(['export', 'hosts', '--out', join(cp.dir, 'dangling.csv')]);
    expect([d.status, d.stderr]).toEqual([1, expect.stringMatching(/is a symlink to nothing/)]);
    mkdirSync(join(cp.dir, 'adir'));
    const dir = q(['export', 'hosts', '--out', join(cp.dir, 'adir')]);
    expect([dir.status, dir.stderr]).toEqual([1, expect.stringMatching(/it is a directory/)]);
  });

  it("treats --out '' as a usage error (exit 2) for export and plot", () => {
    for (const args of [
      ['export', 'hosts', '--out', ''],
      ['plot', 'bar', '--out', ''],
    ]) {
      const r = q(args);
      expect([r.status, r.stderr.trim()]).toEqual([2, 'syscall-counter: --out needs a file name']);
    }
  });

  it('refuses plot sizes above the cap as a usage error before drawing', () => {
    const r = q(['plot', 'bar', '--out', join(cp.dir, 'p.png'), '--width', '100000', '--height', '100000']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--width <px>' argument '100000' is invalid. at most 10000 pixels/);
  });

  it('escapes control and bidi characters in lines outside tables: a hostile host id the server quotes back', () => {
    const r = q(['top', '-w', '--frames', '1', '--host', 'web\u001b[2J-1\u202eevil\u0085']);
    expect([r.status, r.stderr]).toEqual([1, "syscall-counter: unknown host 'web\\x1b[2J-1\\u202eevil\\x85'\n"]);
  });

  it('guards CSV cells that begin with = + - @, leaving numbers as they are', () => {
    const text = q(['export', 'hosts']).stdout;
    const hostname = text.split('\n')[0].split(',').indexOf('hostname');
    expect(hostname).toBeGreaterThan(0);
    expect(csvRows(text).find((r) => r[0] === 'web-1')?.[hostname]).toBe("'=1+2");
  });
});
