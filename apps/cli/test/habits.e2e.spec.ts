import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT, WORKLOAD } from '@syscall-counter/test-support';

// Issue 13, "flags and messages that fit habits": the settings file, seccomp's -o, npm run top -- --help.
describe('flags and messages that fit habits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-habits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a misspelled key in config.json is reported with the known keys, exit 2', () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ sever: 'cp.example', tokenFile: '/etc/syscall-counter/token' }));
    const r = cli(['hosts'], { env: { SYSCALL_COUNTER_CONFIG: config } });
    expect([r.status, r.stderr]).toEqual([
      2,
      `syscall-counter: the config file ${config} has an unknown key 'sever' (known keys: server, tokenFile, tlsCa)\n`,
    ]);
    writeFileSync(config, JSON.stringify({ server: 50051 }));
    const notText = cli(['hosts'], { env: { SYSCALL_COUNTER_CONFIG: config } });
    expect([notText.status, notText.stderr]).toEqual([
      2,
      `syscall-counter: the config file ${config}: 'server' is not a string\n`,
    ]);
  });

  it('seccomp: -o is the format (as everywhere), --out the file; -o FILE points to --out', () => {
    const oci = cli(['seccomp', '-o', 'oci', '--', WORKLOAD, 'getppid', '10']);
    expect(oci.status).toBe(0);
    expect(JSON.parse(oci.stdout).syscalls[0].names).toContain('getppid');
    const file = cli(['seccomp', '-o', 'app.json', '--', WORKLOAD, 'getppid', '1']);
    expect([file.status, file.stderr, file.stdout]).toEqual([
      2,
      'syscall-counter: seccomp: --format app.json: expected docker, oci or spo; a file is --out app.json\n',
      '',
    ]);
  });

  it('npm run top -- --help shows the tool’s help', () => {
    const r = spawnSync('npm', ['run', '--silent', 'top', '--', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 300000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: syscall-counter top \[options\]/m);
    expect(r.stdout).toContain('--local');
  });
});
