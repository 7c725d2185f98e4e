import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 150000,
    env: { ...process.env, SYSCALL_COUNTER_CONFIG: '/nonexistent', ...env },
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

/** Each installed program answers --version with the project's version. */
function expectVersions(root: string, prefix: string) {
  const agent = run(join(root, prefix, 'sbin/syscall-counter-agent'), ['--version']);
  expect(agent.stdout.trim()).toBe(`syscall-counter-agent ${VERSION}`);
  const cli = run(join(root, prefix, 'bin/syscall-counter'), ['--version']);
  expect(cli.stdout.trim()).toBe(VERSION);
  const cp = run(join(root, prefix, 'bin/syscall-counter-control-plane'), ['--version']);
  expect(cp.stdout.trim()).toBe(`syscall-counter-control-plane ${VERSION}`);
}

describe('make install / uninstall', () => {
  const dest = mkdtempSync(join(tmpdir(), 'sc-install-'));
  afterAll(() => rmSync(dest, { recursive: true, force: true }));

  it('installs the agent, the CLI, the control plane and two units (not enabled) under DESTDIR/PREFIX', () => {
    const r = run('make', ['-s', 'install', `DESTDIR=${dest}`, 'PREFIX=/opt/sc']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = filesUnder(dest);
    expect(files.filter((f) => !f.startsWith('opt/sc/lib/syscall-counter/'))).toEqual([
      'opt/sc/bin/syscall-counter',
      'opt/sc/bin/syscall-counter-control-plane',
      'opt/sc/lib/systemd/system/syscall-counter-agent.service',
      'opt/sc/lib/systemd/system/syscall-counter-control-plane.service',
      'opt/sc/sbin/syscall-counter-agent',
    ]);
    const unit = readFileSync(join(dest, 'opt/sc/lib/systemd/system/syscall-counter-agent.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/opt\/sc\/sbin\/syscall-counter-agent \$SC_AGENT_ARGS$/m);
    expectVersions(dest, 'opt/sc');
  });

  it('runs from the installed tree alone: top with the embedded control plane and the installed agent', () => {
    const r = run(join(dest, 'opt/sc/bin/syscall-counter'), ['top', '-d', '1', '--format', 'csv'], {
      SYSCALL_COUNTER_AGENT: '',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('syscall_nr,name,count');
  });

  it('uninstall removes every file install wrote', () => {
    const r = run('make', ['-s', 'uninstall', `DESTDIR=${dest}`, 'PREFIX=/opt/sc']);
    expect(r.status).toBe(0);
    expect(filesUnder(dest)).toEqual([]);
  });
});

describe('the command in a checkout', () => {
  it('node_modules/.bin/syscall-counter and the executable dist/main.js both run the CLI', () => {
    expect(run(join(ROOT, 'node_modules/.bin/syscall-counter'), ['--version']).stdout.trim()).toBe(VERSION);
    expect(statSync(join(ROOT, 'apps/cli/dist/main.js')).mode & 0o111).toBe(0o111);
    expect(run(join(ROOT, 'apps/cli/dist/main.js'), ['--version']).stdout.trim()).toBe(VERSION);
  });
});

describe('make deb', () => {
  const out = mkdtempSync(join(tmpdir(), 'sc-deb-'));
  const root = mkdtempSync(join(tmpdir(), 'sc-debroot-'));
  afterAll(() => [out, root].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('builds two packages whose dependencies are computed or declared, and whose programs run', () => {
    const r = run('make', ['-s', 'deb', `DEBDIR=${out}`]);
    expect(r.status).toBe(0);
    const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    const agentDeb = join(out, `syscall-counter-agent_${VERSION}_${arch}.deb`);
    const nodeDeb = join(out, `syscall-counter_${VERSION}_${arch}.deb`);
    const field = (deb: string, f: string) => execFileSync('dpkg-deb', ['-f', deb, f], { encoding: 'utf8' }).trim();
    // dpkg-shlibdeps names the libraries the agent links: libbpf, gRPC's C core, protobuf-c, libc.
    expect(field(agentDeb, 'Depends')).toMatch(
      /^(?=.*\blibbpf1\b)(?=.*\blibgrpc\d+\b)(?=.*\blibprotobuf-c1\b)(?=.*\blibc6\b)/,
    );
    expect(field(nodeDeb, 'Depends')).toBe('nodejs (>= 20)');
    for (const deb of [agentDeb, nodeDeb]) execFileSync('dpkg', ['-x', deb, root]);
    expect(filesUnder(join(root, 'lib/systemd/system'))).toEqual([
      'syscall-counter-agent.service',
      'syscall-counter-control-plane.service',
    ]);
    expectVersions(root, 'usr');
  });
});
