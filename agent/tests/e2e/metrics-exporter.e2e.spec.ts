import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server } from 'node:net';
import {
  ControlPlane,
  ExporterAgent,
  METRICS_ON_FREE_PORT,
  metricsAddress,
  Prometheus,
  rawHttp,
  runAgent,
  sampleValue,
  scrape,
  sleep,
  startExporterAgent,
  WORKLOAD,
} from '@syscall-counter/test-support';

const N = 3456;
// Every character the exposition format escapes in a label value: a quote, a backslash, a newline.
const HOST = 'exporter "lab"\\rack\n7';
const HOST_LABEL = 'host="exporter \\"lab\\"\\\\rack\\n7"';

/** The gated workload: prints its pid, makes @n getppid calls on a line, prints done, waits for EOF. */
async function gated(n: number): Promise<{ child: ChildProcess; pid: string; go: () => Promise<void> }> {
  const child = spawn(WORKLOAD, ['gated', String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pid = await new Promise<string>((res) => child.stdout!.once('data', (d: Buffer) => res(d.toString().trim())));
  const go = () =>
    new Promise<void>((res) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && res());
      child.stdin!.write('go\n');
    });
  return { child, pid, go };
}

describe('--metrics-addr: the agent as a Prometheus exporter', () => {
  let agent: ExporterAgent;
  let work: Awaited<ReturnType<typeof gated>>;
  let prom: Prometheus | undefined;

  beforeAll(async () => {
    work = await gated(N);
    agent = await startExporterAgent(['-p', work.pid, '--host-id', HOST]);
  });
  afterAll(async () => {
    await prom?.close();
    agent.proc.kill('SIGINT');
    work.child.stdin!.end();
    await agent.done;
  });

  it("a real Prometheus reads the pid's exact getppid count from it, the host's label intact", async () => {
    prom = new Prometheus();
    await prom.start([agent.address]);
    await prom.waitFor('up{job="sc"} == 1', (r) => r.length === 1);
    await work.go();
    const series = 'syscall_counter_syscalls_total{syscall="getppid"}';
    const r = await prom.waitFor(series, (x) => x.length === 1 && Number(x[0].value[1]) === N);
    // Prometheus parsed the escaped label back to the very host id.
    expect(r[0].metric.host).toBe(HOST);
    const resets = await prom.query(`resets(${series}[1m])`);
    expect(Number(resets[0].value[1])).toBe(0);
  });

  it('serves the text format with escaped labels, BPF statistics and build info', async () => {
    const s = await scrape(agent.address);
    expect(s.status).toBe(200);
    expect(s.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sampleValue(s.body, `syscall_counter_syscalls_total{${HOST_LABEL},syscall="getppid"}`)).toBe(N);
    expect(s.body).toContain('# TYPE syscall_counter_syscalls_total counter\n');
    const runs = sampleValue(s.body, `syscall_counter_agent_bpf_runs_total{${HOST_LABEL},program="count_percpu"}`)!;
    expect(runs).toBeGreaterThanOrEqual(N);
    expect(s.body).toMatch(/^syscall_counter_build_info\{version="\d+\.\d+\.\d+"\} 1$/m);
    // Without --errors and --latency, their families are not there at all.
    expect(s.body).not.toMatch(/syscall_errors_total|duration_seconds/);
  });

  it('answers 404 elsewhere, 405 to other methods, 431 to an oversized request, 400 to garbage', async () => {
    expect((await fetch(`http://${agent.address}/`)).status).toBe(404);
    expect((await fetch(`http://${agent.address}/metricsx`)).status).toBe(404);
    const post = await fetch(`http://${agent.address}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const big = await rawHttp(agent.address, `GET /metrics HTTP/1.1\r\nX-Pad: ${'a'.repeat(9000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(await rawHttp(agent.address, 'HELLO\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /);
    const head = await rawHttp(agent.address, 'HEAD /metrics?x=1 HTTP/1.0\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*Connection: close\r\n\r\n$/);
    // Still serving after all that.
    expect((await scrape(agent.address)).status).toBe(200);
  });
});

describe('--metrics-addr with --errors and --latency', () => {
  it('serves failed calls per errno and the duration histogram', async () => {
    const agent = await startExporterAgent([
      '--errors',
      '--latency',
      '--host-id',
      'lat-host',
      '--',
      'sh',
      '-c',
      `${WORKLOAD} close 10 4; exec sleep 60`,
    ]);
    try {
      const ebadf = 'syscall_counter_syscall_errors_total{host="lat-host",syscall="close",errno="EBADF"}';
      let body = '';
      for (let i = 0; i < 100 && sampleValue(body, ebadf) !== 4; i++) {
        await sleep(100);
        body = (await scrape(agent.address)).body;
      }
      expect(sampleValue(body, ebadf)).toBe(4);
      const closes = sampleValue(body, 'syscall_counter_syscalls_total{host="lat-host",syscall="close"}')!;
      expect(closes).toBeGreaterThanOrEqual(10);
      const h = 'syscall_counter_syscall_duration_seconds';
      // Every close has returned: the histogram counts them all, its buckets start at 2 ns (as the
      // control plane spells le) and end at +Inf with the same count.
      expect(sampleValue(body, `${h}_count{host="lat-host",syscall="close"}`)).toBe(closes);
      expect(sampleValue(body, `${h}_bucket{host="lat-host",syscall="close",le="+Inf"}`)).toBe(closes);
      expect(body).toContain(`${h}_bucket{host="lat-host",syscall="close",le="2e-9"} `);
      expect(sampleValue(body, `${h}_sum{host="lat-host",syscall="close"}`)).toBeGreaterThan(0);
    } finally {
      agent.proc.kill('SIGINT');
      await agent.done;
    }
  });
});

describe('--metrics-addr with -P: per host only', () => {
  it("the pid's exact total, before and after it exits (drained to the ledger), and no pid label", async () => {
    const work = await gated(1234);
    const agent = await startExporterAgent(['-P', '-p', work.pid, '--host-id', 'p-host']);
    try {
      await work.go();
      const getppid = 'syscall_counter_syscalls_total{host="p-host",syscall="getppid"}';
      const live = (await scrape(agent.address)).body;
      expect(sampleValue(live, getppid)).toBe(1234);
      expect(sampleValue(live, 'syscall_counter_agent_unattributed_total{host="p-host"}')).toBe(0);
      expect(live).not.toMatch(/pid=|comm=/);
      const exited = new Promise((res) => work.child.once('close', res));
      work.child.stdin!.end();
      await exited;
      expect(sampleValue((await scrape(agent.address)).body, getppid)).toBe(1234);
    } finally {
      agent.proc.kill('SIGINT');
      await agent.done;
    }
  });
});

describe('--metrics-addr with --server', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = new ControlPlane(METRICS_ON_FREE_PORT);
    await cp.start();
  });
  afterAll(() => cp.close());

  it("serves while it streams, and its series equal the control plane's for the host", async () => {
    const work = await gated(2345);
    const agent = await startExporterAgent([...cp.conn, '-i', '1', '-p', work.pid, '--host-id', 'both-host']);
    const getppid = 'syscall_counter_syscalls_total{host="both-host",syscall="getppid"}';
    try {
      await work.go();
      expect(sampleValue((await scrape(agent.address)).body, getppid)).toBe(2345);
    } finally {
      agent.proc.kill('SIGINT');
      work.child.stdin!.end();
    }
    expect((await agent.done).status).toBe(0);
    expect(sampleValue((await scrape(await metricsAddress(cp))).body, getppid)).toBe(2345);
  });
});

describe('--metrics-addr: bad addresses and busy ports', () => {
  let busy: Server;
  beforeAll(() => new Promise<void>((res) => (busy = createServer().listen(0, '127.0.0.1', () => res()))));
  afterAll(() => new Promise<void>((res) => busy.close(() => res())));

  it.each(['nohost', '127.0.0.1:65536', '::1:9435', '127.0.0.1:', ':9435'])(
    'refuses %j as a usage error (exit 2)',
    (addr) => {
      const r = runAgent(['--metrics-addr', addr, '-d', '1']);
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(
        `syscall-counter-agent: --metrics-addr '${addr}': expected HOST:PORT or [IPV6]:PORT`,
      );
    },
  );

  it('a port in use: one line, exit 1', () => {
    const { port } = busy.address() as { port: number };
    const r = runAgent(['--metrics-addr', `127.0.0.1:${port}`, '-d', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      `syscall-counter-agent: cannot serve metrics on 127.0.0.1:${port}: Address already in use`,
    );
  });

  it('listens on IPv6 loopback too', async () => {
    const agent = await startExporterAgent(['-d', '30', '--metrics-addr', '[::1]:0']);
    expect(agent.address).toMatch(/^\[::1\]:\d+$/);
    expect((await scrape(agent.address)).status).toBe(200);
    agent.proc.kill('SIGINT');
    await agent.done;
  });
});
