import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlPlane, METRICS_ON_FREE_PORT, metricsAddress, scrape } from '@syscall-counter/test-support';

const DEPLOY = join(__dirname, '..');
const DASHBOARD = join(DEPLOY, 'grafana', 'syscall-counter.dashboard.json');

/** Every series name a text exposition can hold: its families, with a histogram's three suffixes. */
function exportedNames(body: string): Set<string> {
  const names = new Set<string>();
  for (const m of body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1] + s);
    else names.add(m[1]);
  }
  return names;
}

/** The metric names a PromQL expression reads: ours and the process's. */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(?:syscall_counter|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]);
}

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}

function dashboardExprs(): string[] {
  const doc = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating: { list: Array<{ definition?: string }> };
  };
  const panels = doc.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  return [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...doc.templating.list.flatMap((v) => (v.definition ? [v.definition] : [])),
  ];
}

function ruleFileExprs(): string[] {
  const dir = join(DEPLOY, 'prometheus');
  const files = [dir, join(dir, 'tests')].flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join(d, f)),
  );
  return files.map((f) => readFileSync(f, 'utf8'));
}

describe('deploy/: every metric the operator files name is one the control plane exports', () => {
  let cp: ControlPlane;
  let exported: Set<string>;

  beforeAll(async () => {
    // Per-container series on, so every family the control plane can serve is listed.
    cp = new ControlPlane({ ...METRICS_ON_FREE_PORT, SC_METRICS_CONTAINERS: '10' });
    await cp.start();
    exported = exportedNames((await scrape(await metricsAddress(cp))).body);
  });
  afterAll(() => cp.close());

  it('the scrape lists the families the issue names', () => {
    for (const name of [
      'syscall_counter_syscalls_total',
      'syscall_counter_syscall_errors_total',
      'syscall_counter_syscall_duration_seconds_bucket',
      'syscall_counter_container_syscalls_total',
      'syscall_counter_agent_last_snapshot_timestamp_seconds',
      'syscall_counter_agent_unattributed_total',
      'syscall_counter_agent_bpf_run_time_seconds_total',
      'syscall_counter_agent_bpf_runs_total',
      'syscall_counter_ingest_snapshots_total',
      'syscall_counter_ingest_ack_seconds_bucket',
      'syscall_counter_streams_open',
      'syscall_counter_rejected_total',
      'syscall_counter_build_info',
      'process_cpu_seconds_total',
    ])
      expect(exported).toContain(name);
  });

  it('the alert rules, their tests and the scrape example name only exported metrics', () => {
    const named = new Set(ruleFileExprs().flatMap(namesIn));
    expect(named.size).toBeGreaterThanOrEqual(5);
    expect([...named].filter((n) => !exported.has(n))).toEqual([]);
  });

  it('the Grafana dashboard parses, and every query names only exported metrics', () => {
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const named = new Set(exprs.flatMap(namesIn));
    expect([...named].filter((n) => !exported.has(n))).toEqual([]);
  });
});
