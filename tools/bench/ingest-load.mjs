#!/usr/bin/env node
// Control-plane ingest under load: N simulated agents, each a real gRPC Collect stream
// speaking the real proto, against the real control plane (built dist) on a fresh SQLite
// file, or on a fresh PostgreSQL database (throw-away cluster, durable) behind one or more
// replicas (agents spread over them). Closed loop: each agent sends its next snapshot as soon
// as the last one is acked, so the acked rate is the store's capacity at that concurrency.
//
//   node tools/bench/ingest-load.mjs [--agents 1,8,32,128] [--seconds 8] [--syscalls 60]
//                                    [--engines sqlite,pg,pg2] [--write]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { updateSection } from './benchmarks-md.mjs';
import { engineLabel, parseEngines, startCluster, startStore, storeStat } from './pg-bench.mjs';
import { percentile as pct, simAgent } from './sim-agent.mjs';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '1,8,32,128' },
    seconds: { type: 'string', default: '8' },
    syscalls: { type: 'string', default: '60' },
    engines: { type: 'string', default: 'sqlite' },
    write: { type: 'boolean', default: false },
  },
});
const LEVELS = args.agents.split(',').map(Number);
const SECONDS = Number(args.seconds);
const NSYS = Number(args.syscalls);
const ENGINES = parseEngines(args.engines);
if (!LEVELS.every((n) => Number.isInteger(n) && n >= 1) || !(SECONDS > 0) || !Number.isInteger(NSYS) || NSYS < 1) {
  process.stderr.write(
    'ingest-load: each of --agents and --syscalls must be a whole number of at least 1, --seconds > 0\n',
  );
  process.exit(2);
}
if (ENGINES.includes(null)) {
  process.stderr.write('ingest-load: --engines is a list of sqlite, pg (one replica) and pgN (N replicas)\n');
  process.exit(2);
}

/** One level: @n closed-loop agents for SECONDS, spread over the store's replicas. */
async function level(store, engine, n) {
  const before = storeStat(store);
  const serverBefore = store.serverCpu();
  const bytesBefore = store.bytes();
  const lat = [];
  const t0 = Date.now();
  const deadline = t0 + SECONDS * 1000;
  const acked = (
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        simAgent({
          listen: store.listens[i % store.listens.length],
          hostId: `bench-host-${engine.name}-${n}-${i}`,
          runId: `bench-${engine.name}-${n}-${i}`,
          nsys: NSYS,
          more: () => Date.now() < deadline,
          onAck: (ms) => lat.push(ms),
        }),
      ),
    )
  ).reduce((a, b) => a + b, 0);
  const wall = (Date.now() - t0) / 1000;
  const after = storeStat(store);
  return {
    engine: engineLabel(engine),
    agents: n,
    snapsPerSec: acked / wall,
    rowsPerSec: (acked * NSYS) / wall,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    cpu: ((after.cpu - before.cpu) / wall) * 100,
    serverCpu: ((store.serverCpu() - serverBefore) / wall) * 100,
    rss: after.rss / 2 ** 20,
    bytesPerSnap: (store.bytes() - bytesBefore) / acked,
    load: loadavg()[0],
  };
}

const cluster = ENGINES.some((e) => e.postgres) ? startCluster() : undefined;
const results = [];
try {
  for (const engine of ENGINES) {
    const dir = mkdtempSync(join(tmpdir(), 'sc-ingest-'));
    const store = await startStore(engine, dir, cluster);
    try {
      for (const n of LEVELS) {
        const r = await level(store, engine, n);
        results.push(r);
        console.log(
          `${r.engine.padEnd(24)} ${String(n).padStart(5)} agents: ` +
            `${r.snapsPerSec.toFixed(0).padStart(6)} snapshots/s, ack p50 ${r.p50.toFixed(2)} ms ` +
            `p99 ${r.p99.toFixed(2)} ms, CP CPU ${r.cpu.toFixed(0)}%, DB CPU ${r.serverCpu.toFixed(0)}%, ` +
            `${r.bytesPerSnap.toFixed(0)} B/snapshot, load ${r.load.toFixed(1)}`,
        );
      }
    } finally {
      await store.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  cluster?.stop();
}

const engines = [...new Set(results.map((r) => r.engine))];
const knees = engines.map((e) => {
  const rs = results.filter((r) => r.engine === e);
  const best = rs.reduce((a, b) => (b.snapsPerSec > a.snapsPerSec ? b : a));
  return { ...best, perHostDay: (rs.at(-1).bytesPerSnap * 8640) / 2 ** 20 };
});
const f0 = (x) => x.toFixed(0);
const table = (engine) => `**${engine}**

| agents | snapshots/s | rows/s | ack p50 ms | ack p99 ms | CP CPU % | DB CPU % | CP RSS MiB | bytes/snapshot | load |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${results
  .filter((r) => r.engine === engine)
  .map(
    (r) =>
      `| ${r.agents} | ${f0(r.snapsPerSec)} | ${f0(r.rowsPerSec)} | ${r.p50.toFixed(2)} | ` +
      `${r.p99.toFixed(2)} | ${f0(r.cpu)} | ${f0(r.serverCpu)} | ${f0(r.rss)} | ${f0(r.bytesPerSnap)} | ` +
      `${r.load.toFixed(1)} |`,
  )
  .join('\n')}
`;
const body = `
Closed loop: each simulated agent (its own gRPC connection, the real proto) sends its next
cumulative snapshot (${NSYS} non-zero syscalls, all growing, so ${NSYS} deltas per snapshot, stored as one packed row)
as soon as the previous one is acked; an ack means committed: to SQLite (WAL,
synchronous=NORMAL), or to PostgreSQL (a throw-away cluster from \`tools/pg-cluster.sh\` with
its defaults: fsync and synchronous_commit on), with the agents spread over the replicas.
${SECONDS} s per level; the load generator, the control planes and PostgreSQL share the
machine's ${cpus().length} CPUs. CPU is user+system time over wall time (100% = one core): the
control planes' (summed) and the PostgreSQL server's. DB bytes: the SQLite file and its WAL, or
\`pg_database_size\`. Load is the 1-minute load average at the end of the level.

${engines.map(table).join('\n')}
At the knee (the level with the most snapshots/s), and DB growth per host-day at 10 s:

| engine | snapshots/s | at agents | ack p50 ms | ack p99 ms | MiB per host-day |
|---|---:|---:|---:|---:|---:|
${knees
  .map(
    (k) =>
      `| ${k.engine} | **${f0(k.snapsPerSec)}** | ${k.agents} | ${k.p50.toFixed(2)} | ${k.p99.toFixed(2)} | ` +
      `${k.perHostDay.toFixed(1)} |`,
  )
  .join('\n')}

A snapshots/s figure is also the number of agents one store takes at 1 s intervals (×10 at the
default 10 s).
`;
if (args.write) {
  updateSection('ingest', {
    title: '3. Control-plane ingest',
    command:
      `node tools/bench/ingest-load.mjs --agents ${args.agents} --seconds ${SECONDS} --syscalls ${NSYS} ` +
      `--engines ${args.engines} --write`,
    machine: `${cpus().length} CPUs (${cpus()[0].model}), Linux ${release()}, Node ${process.version}`,
    body,
  });
  console.log('BENCHMARKS.md updated');
} else {
  console.log(body);
}
