#!/usr/bin/env node
// Control-plane ingest under load: N simulated agents, each a real gRPC Collect stream
// speaking the real proto, against the real control plane (built dist) on a fresh SQLite
// file, or on a fresh PostgreSQL database (throw-away cluster, durable) behind one or more
// replicas (agents spread over them). Closed loop: each agent sends its next snapshot as soon
// as the last one is acked, so the acked rate is the store's capacity at that concurrency.
// --open: open loop, as a fleet of real agents at `-i 1` (--interval-ms): each of N agents sends
// one snapshot a second whether or not its last was acked, so the offered rate is N/s and the
// ack latency is what a fleet of N hosts sees (queueing included, no coordinated omission).
//
//   node tools/bench/ingest-load.mjs [--agents 1,8,32,64,128] [--seconds 8] [--syscalls 60]
//                                    [--engines sqlite,pg,pg2] [--open [--interval-ms 1000]] [--write]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { updateSection } from './benchmarks-md.mjs';
import { closedLoopBody, openLoopBody } from './ingest-report.mjs';
import { engineLabel, parseEngines, startCluster, startStore, storeStat } from './pg-bench.mjs';
import { percentile as pct, simAgent } from './sim-agent.mjs';

const USAGE =
  'usage: ingest-load.mjs [--agents 1,8,32,64,128] [--seconds 8] [--syscalls 60] [--engines sqlite,pg,pg2] ' +
  '[--open [--interval-ms 1000]] [--write]';
const args = (() => {
  try {
    return parseArgs({
      options: {
        agents: { type: 'string', default: '1,8,32,64,128' },
        seconds: { type: 'string', default: '8' },
        syscalls: { type: 'string', default: '60' },
        engines: { type: 'string', default: 'sqlite' },
        open: { type: 'boolean', default: false },
        'interval-ms': { type: 'string', default: '1000' },
        write: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`ingest-load: ${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
})();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const LEVELS = args.agents.split(',').map(Number);
const SECONDS = Number(args.seconds);
const NSYS = Number(args.syscalls);
const ENGINES = parseEngines(args.engines);
const INTERVAL = args.open ? Number(args['interval-ms']) : 0;
if (
  !LEVELS.every((n) => Number.isInteger(n) && n >= 1) ||
  !(SECONDS > 0) ||
  !Number.isInteger(NSYS) ||
  NSYS < 1 ||
  (args.open && !(Number.isInteger(INTERVAL) && INTERVAL >= 10))
) {
  process.stderr.write(
    'ingest-load: each of --agents and --syscalls must be a whole number of at least 1, --seconds > 0, ' +
      '--interval-ms a whole number of at least 10\n',
  );
  process.exit(2);
}
if (ENGINES.includes(null)) {
  process.stderr.write('ingest-load: --engines is a list of sqlite, pg (one replica) and pgN (N replicas)\n');
  process.exit(2);
}

/**
 * One level: @n agents for SECONDS, spread over the store's replicas. Closed loop: each starts
 * sending at its welcome. Open loop: all @n hellos are answered first (timed apart: a fleet's
 * agents do not all restart at once), then each sends every INTERVAL, their sends spread evenly.
 */
async function level(store, engine, n) {
  let before = storeStat(store);
  let serverBefore = store.serverCpu();
  let bytesBefore = store.bytes();
  let genBefore = process.cpuUsage();
  const lat = [];
  const t0 = Date.now();
  let go;
  const start = new Promise((r) => (go = r));
  let welcomed = 0;
  let helloMs = 0;
  let from = t0; // the timed part: from the first open-loop send (or t0) to the deadline
  let deadline = t0 + SECONDS * 1000;
  let stopped = 0; // when the last agent stopped sending
  let ackedInWindow = 0;
  const onWelcome = () => {
    if (++welcomed < n || !INTERVAL) return;
    helloMs = Date.now() - t0;
    // Open loop: CPU and bytes of the snapshots only (the hellos and their runs are apart).
    [before, serverBefore, bytesBefore, genBefore] = [
      storeStat(store),
      store.serverCpu(),
      store.bytes(),
      process.cpuUsage(),
    ];
    from = Date.now();
    deadline = from + SECONDS * 1000;
    go();
  };
  const acked = (
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        simAgent({
          listen: store.listens[i % store.listens.length],
          hostId: `bench-host-${engine.name}-${n}-${i}`,
          runId: `bench-${engine.name}-${n}-${i}`,
          nsys: NSYS,
          intervalMs: INTERVAL,
          phaseMs: (i * INTERVAL) / n,
          start,
          more: () => Date.now() < deadline,
          onWelcome,
          onStop: () => (stopped = Date.now()),
          onAck: (ms) => {
            if (Date.now() < deadline) ackedInWindow++;
            lat.push(ms);
          },
        }),
      ),
    )
  ).reduce((a, b) => a + b, 0);
  const wall = (Date.now() - from) / 1000;
  const after = storeStat(store);
  const gen = process.cpuUsage(genBefore);
  return {
    engine: engineLabel(engine),
    agents: n,
    offered: INTERVAL ? (n * 1000) / INTERVAL : undefined,
    helloMs,
    drainMs: INTERVAL ? Date.now() - stopped : undefined,
    // Open loop: the acked rate while sending (what was unacked at the deadline is drained after it).
    snapsPerSec: INTERVAL ? ackedInWindow / ((deadline - from) / 1000) : acked / wall,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    cpu: ((after.cpu - before.cpu) / wall) * 100,
    serverCpu: ((store.serverCpu() - serverBefore) / wall) * 100,
    genCpu: ((gen.user + gen.system) / 1e6 / wall) * 100,
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
    // A fleet's agents may share one token: an open-loop level holds a stream per agent.
    const env = { SC_MAX_STREAMS_PER_TOKEN: String(Math.max(1024, ...LEVELS)) };
    const store = await startStore(engine, dir, cluster, { env });
    try {
      for (const n of LEVELS) {
        const r = await level(store, engine, n);
        results.push(r);
        console.log(
          `${r.engine.padEnd(24)} ${String(n).padStart(5)} agents: ` +
            `${r.snapsPerSec.toFixed(0).padStart(6)} snapshots/s, ack p50 ${r.p50.toFixed(2)} ms ` +
            `p99 ${r.p99.toFixed(2)} ms, CP CPU ${r.cpu.toFixed(0)}%, DB CPU ${r.serverCpu.toFixed(0)}%, ` +
            `load generator CPU ${r.genCpu.toFixed(0)}%, ` +
            `${r.bytesPerSnap.toFixed(0)} B/snapshot, ` +
            `${INTERVAL ? `hellos ${r.helloMs} ms, drained in ${r.drainMs} ms, ` : ''}load ${r.load.toFixed(1)}`,
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

const setup = { nsys: NSYS, seconds: SECONDS, intervalMs: INTERVAL, cpus: cpus().length };
const body = INTERVAL ? openLoopBody(results, setup) : closedLoopBody(results, setup);
if (args.write) {
  updateSection(INTERVAL ? 'ingest-open' : 'ingest', {
    title: INTERVAL ? '3b. Control-plane ingest, open loop (a fleet of agents at -i 1)' : '3. Control-plane ingest',
    command:
      `node tools/bench/ingest-load.mjs --agents ${args.agents} --seconds ${SECONDS} --syscalls ${NSYS} ` +
      `--engines ${args.engines}${INTERVAL ? ` --open --interval-ms ${INTERVAL}` : ''} --write`,
    machine: `${cpus().length} CPUs (${cpus()[0].model}), Linux ${release()}, Node ${process.version}`,
    body,
  });
  console.log('BENCHMARKS.md updated');
} else {
  console.log(body);
}
