import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ExporterAgent,
  runAgent,
  sampleValue,
  scrape,
  startExporterAgent,
  WORKLOAD,
} from '@syscall-counter/test-support';

const N = 2345;
const TOKEN = 'agent-metrics-token-0123456789';
const GETPPID = 'syscall_counter_syscalls_total{host="auth-host",syscall="getppid"}';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

describe('--metrics-addr with --metrics-token-file, and OpenMetrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-metrics-auth-'));
  const tokenFile = join(dir, 'token');
  let agent: ExporterAgent;

  beforeAll(async () => {
    writeFileSync(tokenFile, `${TOKEN}\n`);
    // The gated workload: prints its pid, makes N getppid calls when told to, prints done.
    const work = spawn(WORKLOAD, ['gated', String(N)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const pid = await new Promise<string>((res) => work.stdout.once('data', (d: Buffer) => res(d.toString().trim())));
    agent = await startExporterAgent(['-p', pid, '--host-id', 'auth-host', '--metrics-token-file', tokenFile]);
    await new Promise<void>((res) => {
      work.stdout.on('data', (d: Buffer) => d.toString().includes('done') && res());
      work.stdin.write('go\n');
    });
    work.stdin.end();
  });
  afterAll(async () => {
    agent.proc.kill('SIGINT');
    await agent.done;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 without the bearer token or with another one', async () => {
    const none = await scrape(agent.address);
    expect([none.status, none.body]).toEqual([401, 'unauthorized: present the metrics bearer token\n']);
    expect((await fetch(`http://${agent.address}/metrics`)).headers.get('www-authenticate')).toBe('Bearer');
    expect((await scrape(agent.address, { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await scrape(agent.address, { Authorization: TOKEN })).status).toBe(401);
  });

  it('serves the exact count to the token, in the text format or OpenMetrics as asked', async () => {
    const text = await scrape(agent.address, { authorization: `Bearer ${TOKEN}` });
    expect(text.status).toBe(200);
    expect(text.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sampleValue(text.body, GETPPID)).toBe(N);
    expect(text.body).not.toContain('# EOF');

    const om = await scrape(agent.address, { Authorization: `Bearer ${TOKEN}`, Accept: OPENMETRICS });
    expect(om.contentType).toBe(`${OPENMETRICS}; charset=utf-8`);
    expect(sampleValue(om.body, GETPPID)).toBe(N);
    // A counter's family is named without _total, its samples keep it; the exposition ends with # EOF.
    expect(om.body).toContain('# TYPE syscall_counter_syscalls counter\n');
    expect(om.body).toContain('# TYPE syscall_counter_agent_bpf_runs counter\n');
    expect(om.body).toContain('# TYPE syscall_counter_build_info gauge\n');
    expect(om.body.endsWith('\n# EOF\n')).toBe(true);
    expect(om.body.match(/# EOF/g)).toHaveLength(1);
  });

  it('--metrics-token-file needs --metrics-addr (exit 2) and a readable token (exit 1)', () => {
    const alone = runAgent(['--metrics-token-file', tokenFile, '-d', '1']);
    expect(alone.status).toBe(2);
    expect(alone.stderr.split('\n')[0]).toBe('syscall-counter-agent: --metrics-token-file goes with --metrics-addr');
    const missing = runAgent(['--metrics-addr', '127.0.0.1:0', '--metrics-token-file', join(dir, 'none'), '-d', '1']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `syscall-counter-agent: cannot read token file '${join(dir, 'none')}': No such file or directory`,
    );
  });
});
