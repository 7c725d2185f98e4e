#!/usr/bin/env node
// /metrics at fleet scale: scrape time and size of the control plane's exposition with
// --hosts hosts x 60 syscalls stored, and what scraping does to ingest acks at the knee
// (the same closed loop as ingest-load.mjs, --agents agents, with and without a scrape
// every --every seconds: a list, e.g. 15,1), on SQLite or (--db postgres) a throw-away
// PostgreSQL cluster; then the agent's own --metrics-addr: scrape time and size per mode.
// The control plane keeps each host's rendered lines until its counts move, so scrapes are
// measured both ways: nothing moved since the last scrape, and (--churn rounds) every host moved.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { updateSection } from './benchmarks-md.mjs';
import { freePort } from './ports.mjs';
import { percentile as pct, procStat, ROOT, simAgent, startControlPlane } from './sim-agent.mjs';

const OPTIONS = {
  hosts: { type: 'string', default: '1000' },
  agents: { type: 'string', default: '32' },
  seconds: { type: 'string', default: '30' },
  // Scrape intervals (s) to load ingest with, for --seconds each.
  every: { type: 'string', default: '15,1' },
  scrapes: { type: 'string', default: '20' },
  // Scrapes after every host stored one more snapshot (none of its lines still cached).
  churn: { type: 'string', default: '3' },
  db: { type: 'string', default: 'sqlite' },
  // The agent exporter's scrapes per mode (0: skip that part; it needs root and BPF).
  'agent-scrapes': { type: 'string', default: '20' },
  write: { type: 'boolean', default: false },
};
const { values: args } = parseArgs({ options: OPTIONS });
const HOSTS = Number(args.hosts);
const AGENTS = Number(args.agents);
const SECONDS = Number(args.seconds);
const EVERY = args.every.split(',').map(Number);
if (!['sqlite', 'postgres'].includes(args.db) || EVERY.some((e) => !(e > 0))) {
  console.error('metrics-scrape: --db is sqlite or postgres; --every a list of seconds > 0');
  process.exit(2);
}

async function scrapeOnce(address, accept) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(`http://${address}/metrics`, { headers: accept ? { Accept: accept } : {} });
  const body = await res.text();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes: Buffer.byteLength(body), body };
}

/** @hosts hosts, each one run (tagged @tag) of @n snapshots of 60 syscalls, 100 streams at a time. */
async function populate(listen, hosts, tag = '', n = 2) {
  for (let i = 0; i < hosts; i += 100) {
    const batch = [];
    for (let h = i; h < Math.min(hosts, i + 100); h++)
      batch.push(simAgent({ listen, hostId: `host-${h}`, runId: `run-${h}${tag}`, more: (seq) => seq < n }));
    await Promise.all(batch);
  }
}

/** The closed ingest loop for @seconds; with @scrape, a scrape every @every s meanwhile. */
async function ingestLoop(listen, tag, seconds, every, scrape) {
  const acks = [];
  const until = Date.now() + seconds * 1000;
  const timer = scrape ? setInterval(scrape, every * 1000) : undefined;
  const sent = await Promise.all(
    Array.from({ length: AGENTS }, (_, a) =>
      simAgent({
        listen,
        hostId: `load-${tag}-${a}`,
        runId: `load-${tag}-${a}`,
        more: () => Date.now() < until,
        onAck: (ms) => acks.push(ms),
      }),
    ),
  );
  clearInterval(timer);
  const n = sent.reduce((s, x) => s + x, 0);
  return { rate: n / seconds, p50: pct(acks, 50), p99: pct(acks, 99) };
}

/** The agent's --metrics-addr in one mode: @n scrapes' wall ms, its CPU ms per scrape, the body's size. */
async function agentScrapes(mode, n) {
  const agent = spawn(join(ROOT, 'agent/syscall-counter-agent'), ['--metrics-addr', '127.0.0.1:0', ...mode], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const address = await new Promise((res, rej) => {
      let err = '';
      agent.stderr.on('data', (d) => {
        err += d;
        const m = /metrics at http:\/\/(\S+)\/metrics/.exec(err);
        if (m && err.includes('Tracing syscalls')) res(m[1]);
      });
      agent.once('close', (c) => rej(new Error(`agent ${mode.join(' ')} exited ${c}: ${err}`)));
    });
    await scrapeOnce(address);
    const cpu0 = procStat(agent.pid).cpu;
    const xs = [];
    for (let i = 0; i < n; i++) xs.push(await scrapeOnce(address));
    const series = xs[0].body.split('\n').filter((l) => l && !l.startsWith('#')).length;
    return { xs, series, cpuMs: ((procStat(agent.pid).cpu - cpu0) * 1000) / n };
  } finally {
    agent.kill('SIGINT');
  }
}

/** PostgreSQL: a throw-away cluster (tools/pg-cluster.sh) whose URL the control plane gets. */
function startPostgres() {
  const out = execFileSync('bash', [join(ROOT, 'tools/pg-cluster.sh'), 'start'], {
    encoding: 'utf8',
    env: { ...process.env, SC_PG_FAST: '1' },
  });
  const [url, pgDir] = out.trim().split('\n').pop().split(' ');
  process.env.SC_DB_URL = url;
  return () => execFileSync('bash', [join(ROOT, 'tools/pg-cluster.sh'), 'stop', pgDir], { stdio: 'ignore' });
}

const dir = mkdtempSync(join(tmpdir(), 'sc-bench-metrics-'));
const metrics = `127.0.0.1:${await freePort()}`;
process.env.SC_METRICS_LISTEN = metrics;
const stopPostgres = args.db === 'postgres' ? startPostgres() : () => {};
const cp = await startControlPlane(dir);
try {
  await populate(cp.listen, HOSTS);
  await scrapeOnce(metrics); // warm: statements prepared, code paths compiled
  // The control plane's CPU time per scrape as well as wall time: on a shared machine the
  // wall time also holds the time the scheduler gave to others.
  const scrapes = async (accept) => {
    const xs = [];
    const cpu0 = procStat(cp.proc.pid).cpu;
    for (let i = 0; i < Number(args.scrapes); i++) xs.push(await scrapeOnce(metrics, accept));
    xs.cpuMs = ((procStat(cp.proc.pid).cpu - cpu0) * 1000) / xs.length;
    return xs;
  };
  const text = await scrapes();
  const open = await scrapes('application/openmetrics-text; version=1.0.0');
  // Every host moved: a new run of one snapshot per host, then one scrape (all hosts read again).
  const moved = [];
  moved.cpuMs = 0;
  for (let k = 0; k < Number(args.churn); k++) {
    await populate(cp.listen, HOSTS, `-moved-${k}`, 1);
    const cpu0 = procStat(cp.proc.pid).cpu;
    moved.push(await scrapeOnce(metrics));
    moved.cpuMs += ((procStat(cp.proc.pid).cpu - cpu0) * 1000) / Number(args.churn);
  }
  const series = text[0].body.split('\n').filter((l) => l.startsWith('syscall_counter_syscalls_total{')).length;
  const f = (x) => x.toFixed(1);
  const loads = [];
  await ingestLoop(cp.listen, 'warm', Math.min(SECONDS, 3)); // JIT and caches warm before the first row
  for (const every of EVERY) {
    const seconds = SECONDS; // the same for each interval: comparable rows
    const quiet = await ingestLoop(cp.listen, `quiet-${every}`, seconds);
    const scraping = [];
    // Like Prometheus, never two scrapes of one target at once: a tick during a scrape is skipped.
    let inFlight = false;
    const busy = await ingestLoop(cp.listen, `busy-${every}`, seconds, every, () => {
      if (inFlight) return;
      inFlight = true;
      scrapeOnce(metrics)
        .then(
          (s) => scraping.push(s.ms),
          (e) => console.error(`scrape failed: ${e.message}`),
        )
        .finally(() => (inFlight = false));
    });
    const worse = (a, b) => `${b > a ? '+' : ''}${f((100 * (b - a)) / a)}%`;
    loads.push(
      `| ${seconds} s, no scrapes | ${f(quiet.rate)} | ${f(quiet.p50)} | ${f(quiet.p99)} | |`,
      `| ${seconds} s, scraped every ${every} s (${scraping.length}, p50 ${f(pct(scraping, 50))} ms) | ` +
        `${f(busy.rate)} | ${f(busy.p50)} | ${f(busy.p99)} | ` +
        `${worse(quiet.p50, busy.p50)} / ${worse(quiet.p99, busy.p99)} |`,
    );
  }
  const row = (name, xs, cpuMs = xs.cpuMs) => {
    const ms = xs.map((x) => x.ms);
    const size = xs[0].bytes >= 1e5 ? `${(xs[0].bytes / 1e6).toFixed(2)} MB` : `${(xs[0].bytes / 1e3).toFixed(1)} kB`;
    return `| ${name} | ${f(pct(ms, 50))} | ${f(Math.max(...ms))} | ${f(cpuMs)} | ${size} |`;
  };
  const agentRows = [];
  for (const mode of Number(args['agent-scrapes']) ? [[], ['-P'], ['--errors', '--latency']] : []) {
    const a = await agentScrapes(mode, Number(args['agent-scrapes']));
    agentRows.push(row(`agent ${mode.join(' ') || '(default)'}: ${a.series} samples`, a.xs, a.cpuMs));
  }
  const engine = args.db === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const pgNote = args.db === 'postgres' ? "; PostgreSQL's own CPU is not in it" : '';
  const load = (await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  const body = `
${HOSTS} hosts × 60 syscalls stored (one run of two snapshots each) in **${engine}**:
**${series}** \`syscall_counter_syscalls_total\` series. Scrape time is from request to the last byte, on
loopback, ${args.scrapes} scrapes per format after one warm-up, nothing stored between them (each
host's lines served as kept); then ${args.churn} scrapes each after every host stored one more
snapshot (every host read and rendered again). CPU is the control plane's user+system
time per scrape (what the scrape costs, whatever else the machine runs${pgNote}).
Load average at the end: ${load}.

| format | scrape p50 ms | scrape max ms | CP CPU ms/scrape | body |
|---|---:|---:|---:|---:|
${row('Prometheus text 0.0.4', text)}
${row('OpenMetrics 1.0.0', open)}
${moved.length ? row(`text, every host moved since the last scrape (${moved.length} scrapes)`, moved) : ''}

Ingest at the knee (${AGENTS} closed-loop agents), without and with scrapes at each interval:

| run | snapshots/s | ack p50 ms | ack p99 ms | p50 / p99 vs no scrapes |
|---|---:|---:|---:|---:|
${loads.join('\n')}
${
  agentRows.length
    ? `
The agent's own \`--metrics-addr\` (this host, all processes; ${args['agent-scrapes']} scrapes after one
warm-up; CPU is the agent's per scrape):

| agent mode | scrape p50 ms | scrape max ms | agent CPU ms/scrape | body |
|---|---:|---:|---:|---:|
${agentRows.join('\n')}
`
    : ''
}`;
  console.log(body);
  if (args.write)
    updateSection(args.db === 'postgres' ? 'metrics-postgres' : 'metrics', {
      title: args.db === 'postgres' ? '6c. /metrics at fleet scale on PostgreSQL' : '6. /metrics at fleet scale',
      // The options given that differ from their defaults: a line that re-runs this one.
      command: [
        'node tools/bench/metrics-scrape.mjs',
        ...Object.keys(OPTIONS)
          .filter((k) => k !== 'write' && (k === 'db' || args[k] !== OPTIONS[k].default))
          .map((k) => `--${k} ${args[k]}`),
        '--write',
      ].join(' '),
      machine: `${cpus().length} CPUs (${cpus()[0].model.trim()}), Linux ${release()}, Node ${process.version}`,
      body,
    });
} finally {
  await cp.stop();
  stopPostgres();
  rmSync(dir, { recursive: true, force: true });
}
