#!/usr/bin/env node
// /metrics at fleet scale: scrape time and size of the control plane's exposition with
// --hosts hosts x 60 syscalls stored, and what scraping does to ingest acks at the knee
// (the same closed loop as ingest-load.mjs, --agents agents, with and without a scrape
// every --every seconds).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { updateSection } from './benchmarks-md.mjs';
import { freePort } from './ports.mjs';
import { percentile as pct, procStat, simAgent, startControlPlane } from './sim-agent.mjs';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '8' },
    every: { type: 'string', default: '1' },
    scrapes: { type: 'string', default: '20' },
    write: { type: 'boolean', default: false },
  },
});
const HOSTS = Number(args.hosts);
const AGENTS = Number(args.agents);
const SECONDS = Number(args.seconds);

async function scrapeOnce(address, accept) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(`http://${address}/metrics`, { headers: accept ? { Accept: accept } : {} });
  const body = await res.text();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes: Buffer.byteLength(body), body };
}

/** @hosts hosts, each one run of two snapshots of 60 syscalls, 100 streams at a time. */
async function populate(listen, hosts) {
  for (let i = 0; i < hosts; i += 100) {
    const batch = [];
    for (let h = i; h < Math.min(hosts, i + 100); h++)
      batch.push(simAgent({ listen, hostId: `host-${h}`, runId: `run-${h}`, more: (seq) => seq < 2 }));
    await Promise.all(batch);
  }
}

/** The closed ingest loop for SECONDS; with @scrape, a scrape every --every s meanwhile. */
async function ingestLoop(listen, tag, scrape) {
  const acks = [];
  const until = Date.now() + SECONDS * 1000;
  const timer = scrape ? setInterval(scrape, Number(args.every) * 1000) : undefined;
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
  return { rate: n / SECONDS, p50: pct(acks, 50), p99: pct(acks, 99) };
}

const dir = mkdtempSync(join(tmpdir(), 'sc-bench-metrics-'));
const metrics = `127.0.0.1:${await freePort()}`;
process.env.SC_METRICS_LISTEN = metrics;
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
  const series = text[0].body.split('\n').filter((l) => l.startsWith('syscall_counter_syscalls_total{')).length;
  const quiet = await ingestLoop(cp.listen, 'quiet');
  const scraping = [];
  const busy = await ingestLoop(cp.listen, 'busy', () =>
    scrapeOnce(metrics).then(
      (s) => scraping.push(s.ms),
      (e) => console.error(`scrape failed: ${e.message}`),
    ),
  );
  const f = (x) => x.toFixed(1);
  const row = (name, xs) => {
    const ms = xs.map((x) => x.ms);
    const size = `${(xs[0].bytes / 1e6).toFixed(2)} MB`;
    return `| ${name} | ${f(pct(ms, 50))} | ${f(Math.max(...ms))} | ${f(xs.cpuMs)} | ${size} |`;
  };
  const body = `
${HOSTS} hosts × 60 syscalls stored (one run of two snapshots each): **${series}**
\`syscall_counter_syscalls_total\` series. Scrape time is from request to the last byte, on
loopback, ${args.scrapes} scrapes per format after one warm-up; CPU is the control plane's user+system
time per scrape (what the scrape costs, whatever else the machine runs).

| format | scrape p50 ms | scrape max ms | CP CPU ms/scrape | body |
|---|---:|---:|---:|---:|
${row('Prometheus text 0.0.4', text)}
${row('OpenMetrics 1.0.0', open)}

Ingest at the knee (${AGENTS} closed-loop agents, ${SECONDS} s each), without and with a scrape
every ${args.every} s (${scraping.length} scrapes, p50 ${f(pct(scraping, 50))} ms while loaded):

| while | snapshots/s | ack p50 ms | ack p99 ms |
|---|---:|---:|---:|
| no scrapes | ${f(quiet.rate)} | ${f(quiet.p50)} | ${f(quiet.p99)} |
| scraped every ${args.every} s | ${f(busy.rate)} | ${f(busy.p50)} | ${f(busy.p99)} |
`;
  console.log(body);
  if (args.write)
    updateSection('metrics', {
      title: '6. /metrics at fleet scale',
      command: `node tools/bench/metrics-scrape.mjs --hosts ${HOSTS} --agents ${AGENTS} --write`,
      machine: `${cpus().length} CPUs, Linux ${release()}, Node ${process.version}`,
      body,
    });
} finally {
  await cp.stop();
  rmSync(dir, { recursive: true, force: true });
}
