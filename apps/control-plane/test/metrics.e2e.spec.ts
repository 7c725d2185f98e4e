import {
  ControlPlane,
  METRICS_ON_FREE_PORT,
  metricsAddress,
  Prometheus,
  sampleValue,
  scrape,
} from '@syscall-counter/test-support';

const N = 4321;
const METRICS_TOKEN = 'metrics-token-0123456789';
const GETPPID = 'syscall_counter_syscalls_total{host="metrics-host",syscall="getppid"}';

describe('/metrics: a real agent streams, a real Prometheus scrapes', () => {
  let cp: ControlPlane;
  let address: string;
  let prom: Prometheus | undefined;

  beforeAll(async () => {
    cp = new ControlPlane(METRICS_ON_FREE_PORT);
    await cp.start();
    address = await metricsAddress(cp);
  });
  afterAll(async () => {
    await prom?.close();
    await cp.close();
  });

  it('exact per-host counts, monotonic across the host runs, read by PromQL', async () => {
    expect(cp.runAgent('metrics-host', 'metrics-run-1', ['getppid', String(N)]).status).toBe(0);
    expect(sampleValue((await scrape(address)).body, GETPPID)).toBe(N);
    prom = new Prometheus();
    await prom.start([address]);
    const first = await prom.waitFor('syscall_counter_syscalls_total{syscall="getppid"}', (r) => r.length === 1);
    expect(first[0].metric.host).toBe('metrics-host');
    expect(Number(first[0].value[1])).toBe(N);

    // A second run of the same host adds to the series: it never goes back to the new run's count.
    expect(cp.runAgent('metrics-host', 'metrics-run-2', ['getppid', String(N)]).status).toBe(0);
    const both = 'syscall_counter_syscalls_total{host="metrics-host",syscall="getppid"}';
    await prom.waitFor(both, (r) => r.length === 1 && Number(r[0].value[1]) === 2 * N);
    const resets = await prom.query(`resets(${both}[1m])`);
    expect(Number(resets[0].value[1])).toBe(0);
    const up = await prom.query('up{job="sc"}');
    expect(up.map((s) => s.value[1])).toEqual(['1']);
  });

  it('health, ingest and process metrics; OpenMetrics when asked for', async () => {
    const text = await scrape(address);
    expect(text.status).toBe(200);
    expect(text.contentType).toContain('text/plain; version=0.0.4');
    expect(sampleValue(text.body, 'syscall_counter_ingest_snapshots_total{outcome="stored"}')).toBeGreaterThan(0);
    expect(sampleValue(text.body, 'syscall_counter_agent_unattributed_total{host="metrics-host"}')).toBe(0);
    const seen = sampleValue(text.body, 'syscall_counter_agent_last_snapshot_timestamp_seconds{host="metrics-host"}')!;
    expect(Math.abs(seen - Date.now() / 1000)).toBeLessThan(120);
    expect(sampleValue(text.body, 'syscall_counter_streams_open')).toBe(0);
    expect(text.body).toMatch(/^syscall_counter_build_info\{version="\d+\.\d+\.\d+"\} 1$/m);
    expect(text.body).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text.body).toMatch(/^syscall_counter_ingest_ack_seconds_bucket\{le="\+Inf"\} [1-9]/m);
    // The agent's own cost from the kernel's BPF run-time statistics: its counting program ran at
    // least once per getppid call of both runs, at a plausible cost per run.
    const bpf = (m: string) => sampleValue(text.body, `${m}{host="metrics-host",program="count_percpu"}`)!;
    expect(bpf('syscall_counter_agent_bpf_runs_total')).toBeGreaterThanOrEqual(2 * N);
    const nsPerRun =
      (1e9 * bpf('syscall_counter_agent_bpf_run_time_seconds_total')) / bpf('syscall_counter_agent_bpf_runs_total');
    expect(nsPerRun).toBeGreaterThan(1);
    expect(nsPerRun).toBeLessThan(100000);

    const om = await scrape(address, { Accept: 'application/openmetrics-text; version=1.0.0' });
    expect(om.contentType).toContain('application/openmetrics-text');
    expect(om.body).toContain('# TYPE syscall_counter_syscalls counter\n');
    expect(sampleValue(om.body, GETPPID)).toBe(2 * N);
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    // The text registry is untouched by the OpenMetrics one's renaming.
    expect(sampleValue((await scrape(address)).body, GETPPID)).toBe(2 * N);
  });
});

describe('/metrics with SC_METRICS_TOKEN', () => {
  let cp: ControlPlane;
  let address: string;

  beforeAll(async () => {
    cp = new ControlPlane({ ...METRICS_ON_FREE_PORT, SC_METRICS_TOKEN: METRICS_TOKEN });
    await cp.start();
    address = await metricsAddress(cp);
  });
  afterAll(() => cp.close());

  it('answers 401 without the bearer token, 200 with it, 404 elsewhere', async () => {
    expect((await scrape(address)).status).toBe(401);
    expect((await scrape(address, { Authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    const ok = await scrape(address, { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('syscall_counter_build_info');
    expect((await fetch(`http://${address}/`)).status).toBe(404);
  });
});
