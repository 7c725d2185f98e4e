#!/usr/bin/env node
// Query latency over a realistic history: H hosts × D hours at 10 s intervals, 60 growing
// syscalls per snapshot, written through the real ingest path (gRPC streams into the real
// control plane), then timed through the real QueryService.
//
// On SQLite, or on PostgreSQL (--engines sqlite,pg: a throw-away cluster, see pg-bench.mjs).
//
//   node tools/bench/query-latency.mjs [--hosts 20] [--hours 1,24] [--reps 15] [--processes K | --cgroups K]
//                                      [--agents 64] [--run-minutes 60]
//                                      [--engines sqlite,pg] [--expire] [--baseline DIR] [--write]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { updateSection } from './benchmarks-md.mjs';
import { engineLabel, parseEngines, startCluster, startReader, startStore, timeExpiry } from './pg-bench.mjs';
import { queryCases } from './query-cases.mjs';
import { grpc, metadata, percentile, proto, ROOT, simAgent } from './sim-agent.mjs';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '20' },
    hours: { type: 'string', default: '1,24' },
    reps: { type: 'string', default: '15' },
    agents: { type: 'string', default: '64' },
    'run-minutes': { type: 'string', default: '60' },
    processes: { type: 'string', default: '0' },
    cgroups: { type: 'string', default: '0' },
    engines: { type: 'string', default: 'sqlite' },
    expire: { type: 'boolean', default: false },
    baseline: { type: 'string', default: '' },
    write: { type: 'boolean', default: false },
  },
});
const HOSTS = Number(args.hosts);
const LEVELS = args.hours.split(',').map(Number);
const REPS = Number(args.reps);
// History is written by --agents concurrent simulated agents, each streaming one run of --run-minutes.
const AGENTS = Number(args.agents);
const RUN_MINUTES = Number(args['run-minutes']);
const whole = (n, min) => Number.isInteger(n) && n >= min;
if (![HOSTS, REPS, AGENTS, RUN_MINUTES, ...LEVELS].every((n) => whole(n, 1))) {
  process.stderr.write(
    'query-latency: --hosts, --reps, --agents, --run-minutes and each of --hours must be whole numbers of at least 1\n',
  );
  process.exit(2);
}
// --baseline DIR: a checkout with a built control plane (e.g. the commit before a change), timed on
// the same history as this one's: a same-run A/B.
const BASELINE = args.baseline;
const ENGINES = parseEngines(args.engines);
if (ENGINES.includes(null)) {
  process.stderr.write('query-latency: --engines is a list of sqlite, pg (one replica) and pgN (N replicas)\n');
  process.exit(2);
}
// The host of the one-host cases: host-03 of a fleet, or the last of a smaller one.
const ONE_HOST = `host-${String(Math.min(3, HOSTS - 1)).padStart(2, '0')}`;
// --processes K: agents stream K processes per snapshot, and the per-process queries are timed.
const PROCS = Number(args.processes);
// --cgroups K: the same for per-cgroup mode (containers).
const CGROUPS = Number(args.cgroups);
if (PROCS && CGROUPS) throw new Error('--processes and --cgroups are separate runs (an agent streams one breakdown)');
const INTERVAL = 10_000;
const HOUR = 3_600_000;
const EXPIRE_OFFSET = 37 * 60_000 + 13_000;

// Enums are given by name: the generated client (ts-proto, stringEnums) encodes anything that is
// not one of an enum's names, a number included, as -1.
function query(client, method, req) {
  return new Promise((res, rej) => client[method](req, metadata(), (e, r) => (e ? rej(e) : res(r))));
}

/** A query @REPS times on each client, the clients by turns; p50 and p99 per client. */
async function time(clients, method, req) {
  const ms = clients.map(() => []);
  for (let i = 0; i < REPS; i++) {
    for (const [c, client] of clients.entries()) {
      const t = process.hrtime.bigint();
      await query(client, method, req);
      ms[c].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return ms.map((xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) }));
}

/**
 * Writes @perHost snapshots of every host from @start through the real ingest path, fast: each
 * host's history is cut into runs of --run-minutes (an agent restarted that often), and --agents of
 * those runs stream at once (closed loop each, the oldest first), spread over the replicas. Every
 * row, rollup and partition is what ingest writes for that history; only the runs are shorter.
 */
async function writeHistory(store, start, perHost) {
  Object.assign(progress, { acked: 0, of: perHost * HOSTS, since: Date.now(), store });
  const perRun = Math.max(1, Math.round((RUN_MINUTES * 60_000) / INTERVAL));
  const runs = [];
  for (let first = 0; first < perHost; first += perRun)
    for (let h = 0; h < HOSTS; h++) runs.push({ h, first, n: Math.min(perRun, perHost - first) });
  let next = 0;
  const worker = async (w) => {
    for (let r = runs[next++]; r; r = runs[next++]) {
      const runStart = start + r.first * INTERVAL;
      await simAgent({
        onAck: () => progress.acked++,
        listen: store.listens[w % store.listens.length],
        hostId: `host-${String(r.h).padStart(2, '0')}`,
        runId: `run-${r.h}-${r.first}`,
        processes: PROCS,
        cgroups: CGROUPS,
        startedMs: runStart,
        clock: (seq) => runStart + seq * INTERVAL,
        more: (seq) => seq < r.n,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(AGENTS, runs.length) }, (_, w) => worker(w)));
}

/** One engine at one history length: a fresh store, the history written, each query timed. */
async function measure(engine, hours) {
  const dir = mkdtempSync(join(tmpdir(), 'sc-query-'));
  const store = await startStore(engine, dir, cluster);
  const label = engineLabel(engine);
  // Stopped once (a control plane's stop waits for its exit, which comes once).
  let stopping;
  const stopStore = () => (stopping ??= store.stop());
  const midnight = lastMidnight();
  try {
    const perHost = (hours * HOUR) / INTERVAL;
    // --expire: the history ends 37 min 13 s after a UTC midnight at least an hour ago, so that
    // expiring what is older than that midnight removes whole days (PostgreSQL: drops their
    // partitions), while the queries' windows still end off the hours and ten minutes.
    const end = args.expire ? midnight + EXPIRE_OFFSET : Date.now();
    const start = end - hours * HOUR;
    store.ensureDays(start, end);
    const empty = store.bytes(); // an empty PostgreSQL database is ~7.5 MiB of catalog
    const t0 = Date.now();
    await writeHistory(store, start, perHost);
    const genSeconds = (Date.now() - t0) / 1000;
    store.settle();
    const cases = queryCases({ start, end, hours, oneHost: ONE_HOST, processes: PROCS, cgroups: CGROUPS });
    // --baseline: this build and another one each serve the finished database from a fresh process,
    // and every query is timed on both by turns (same history, same moment: a same-run A/B).
    let servers = [[label, { listen: store.listens[0], stop: () => undefined }]];
    if (BASELINE) {
      await stopStore();
      servers = [
        [label, await startReader(store, join(ROOT, 'apps/control-plane/dist/main.js'), dir)],
        [`${label}, baseline`, await startReader(store, join(BASELINE, 'apps/control-plane/dist/main.js'), dir)],
      ];
    }
    const clients = servers.map(([, s]) => new proto.QueryServiceClient(s.listen, grpc.credentials.createInsecure()));
    try {
      for (const [name, method, req] of cases) {
        const timed = await time(clients, method, req);
        for (const [i, [who]] of servers.entries()) {
          const r = timed[i];
          results.push({ engine: who, hours, name, p50: r.p50, p99: r.p99 });
          console.log(
            `${who.padEnd(34)} ${String(hours).padStart(4)} h  ${name.padEnd(44)} ` +
              `p50 ${r.p50.toFixed(1).padStart(8)} ms  p99 ${r.p99.toFixed(1).padStart(8)} ms`,
          );
        }
      }
    } finally {
      clients.forEach((c) => c.close());
      await Promise.all(servers.map(([, s]) => s.stop()));
    }
    const snaps = HOSTS * perHost;
    const bytes = store.bytes() - empty;
    for (const [who] of servers)
      results.push({ engine: who, hours, meta: true, snaps, rows: snaps * 60, genSeconds, bytes, load: loadavg()[0] });
    console.log(
      `${label.padEnd(24)} ${String(hours).padStart(4)} h  history: ${snaps} snapshots, ` +
        `${snaps * 60} delta rows, written in ${genSeconds.toFixed(0)} s, DB ${(bytes / 2 ** 20).toFixed(0)} MiB, ` +
        `load ${loadavg()[0].toFixed(1)}`,
    );
  } finally {
    await stopStore();
    if (args.expire) expiry(engine, store, hours, midnight);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last UTC midnight at least an hour ago (unix ms). */
function lastMidnight() {
  const day = 86_400_000;
  return Math.floor((Date.now() - HOUR) / day) * day;
}

/**
 * --expire: one expiry pass keeping raw history from @midnight on (SC_RETAIN_RAW: the whole hours
 * since then), so it removes all but the last 37 min of the history (with --hours 25: one whole
 * UTC day of every host and 23 min of the day before); its time, or why it could not run.
 */
function expiry(engine, store, hours, midnight) {
  const r = timeExpiry(store, `${Math.floor((Date.now() - midnight) / HOUR)}h`);
  expiries.push({ engine: engineLabel(engine), hours, ...r });
  console.log(
    `${engineLabel(engine).padEnd(24)} ${String(hours).padStart(4)} h  expiry of all but the last 37 min: ` +
      `${r.error ? `not run: ${r.error}` : `${r.seconds.toFixed(1)} s ${r.report}`}`,
  );
}

// Durability does not change a query's plan or latency: the history is written with fsync off.
const cluster = ENGINES.some((e) => e.postgres) ? startCluster({ fast: true }) : undefined;
// Interrupted (SIGINT, e.g. a time limit): how far the history got, and nothing left running.
const progress = { acked: 0, of: 0, since: 0, store: undefined };
process.on('SIGINT', () => {
  const s = (Date.now() - progress.since) / 1000;
  console.log(`interrupted: ${progress.acked} of ${progress.of} snapshots written in ${s.toFixed(0)} s`);
  progress.store?.procs.forEach((p) => p.kill('SIGKILL'));
  cluster?.stop();
  process.exit(130);
});
const results = [];
const expiries = [];
try {
  for (const engine of ENGINES) for (const hours of LEVELS) await measure(engine, hours);
} finally {
  cluster?.stop();
}

const names = [...new Set(results.filter((r) => !r.meta).map((r) => r.name.replace('two half hours', 'two hours')))];
const cell = (e, h, n) => {
  const r = results.find(
    (x) => x.engine === e && x.hours === h && !x.meta && x.name.replace('two half hours', 'two hours') === n,
  );
  return r ? `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}` : '-';
};
const metaOf = (e, h) => results.find((x) => x.engine === e && x.hours === h && x.meta);
const history = (e, h) => {
  const m = metaOf(e, h);
  return `${m.snaps.toLocaleString('en')} / ${m.rows.toLocaleString('en')} / ${(m.bytes / 2 ** 20).toFixed(0)} MiB`;
};
const expiryRow = (e) => {
  const xs = expiries.filter((x) => x.engine === e);
  if (!xs.length) return '';
  const cell = (h) => {
    const x = xs.find((y) => y.hours === h);
    if (!x) return '-';
    if (x.error) return 'not run';
    const rep = JSON.parse(x.report.split('\n').pop() || '{}');
    const parts = rep.partitionsDropped ? `, ${rep.partitionsDropped} partitions dropped` : '';
    const pass = ((rep.endedMs - rep.startedMs) / 1000).toFixed(1);
    const snaps = (rep.snapshots ?? 0).toLocaleString('en');
    return `${pass} s (${x.seconds.toFixed(1)} s with start-up; ${snaps} snapshots${parts})`;
  };
  return `| *expiry pass: all but the last 37 min of the history* | ${LEVELS.map(cell).join(' | ')} |\n`;
};
const written = (m) => `${m.genSeconds.toFixed(0)}; ${(m.snaps / m.genSeconds).toFixed(0)}`;
const perHostDay = (m, hours) => (m.bytes / HOSTS / (hours / 24) / 2 ** 20).toFixed(1);
const table = (e) => `**${e}**

| query | ${LEVELS.map((h) => `${h} h of history`).join(' | ')} |
|---|${LEVELS.map(() => '---:').join('|')}|
${names.map((n) => `| ${n} | ${LEVELS.map((h) => cell(e, h, n)).join(' | ')} |`).join('\n')}
| *history: snapshots / delta rows / DB size* | ${LEVELS.map((h) => history(e, h)).join(' | ')} |
| *history written in (s; snapshots/s)* | ${LEVELS.map((h) => written(metaOf(e, h))).join(' | ')} |
| *DB bytes per host-day (MiB)* | ${LEVELS.map((h) => perHostDay(metaOf(e, h), h)).join(' | ')} |
${expiryRow(e)}| *load average after writing it* | ${LEVELS.map((h) => metaOf(e, h).load.toFixed(1)).join(' | ')} |
`;
const body = `
${HOSTS} hosts, 10 s intervals, 60 syscalls changing every interval (60 delta rows per
snapshot), written through the real ingest path by ${AGENTS} simulated agents at once (each host's
history cut into runs of ${RUN_MINUTES} min, as if its agent restarted that often)${
  PROCS
    ? `, each snapshot also naming ${PROCS} processes (5 syscalls
each; the rest of the interval is stored under pid 0)`
    : ''
}${
  CGROUPS
    ? `, each snapshot also naming ${CGROUPS} containers (5 syscalls
each, the same container ids on every host; the rest of the interval is stored under "other")`
    : ''
}; each query ${REPS} times through the
real gRPC QueryService on loopback. Cells are p50 / p99 in ms. (For 1 h of history the
"two hours" diff compares two half hours.) DB size is what the history added: the SQLite file and its WAL, or
\`pg_database_size\` (PostgreSQL: a throw-away cluster from \`tools/pg-cluster.sh\` with fsync off while
the history is written, which changes no query plan).${
  BASELINE
    ? ` Tables marked "baseline": the control plane built in
\`${BASELINE}\` on the same database; after the history is written, this build's control plane and the
baseline's each serve it from a fresh process, and each query runs on both by turns (same-run A/B).`
    : ''
}

${[...new Set(results.map((r) => r.engine))].map(table).join('\n')}`;
if (args.write) {
  updateSection(PROCS ? 'query-process' : CGROUPS ? 'query-cgroup' : 'query', {
    title: PROCS
      ? `4b. Query latency, per process (${PROCS} processes named per snapshot)`
      : CGROUPS
        ? `4c. Query latency, per container (${CGROUPS} containers named per snapshot)`
        : '4. Query latency',
    command:
      `node tools/bench/query-latency.mjs --hosts ${HOSTS} --hours ${args.hours} --reps ${REPS}` +
      `${PROCS ? ` --processes ${PROCS}` : ''}${CGROUPS ? ` --cgroups ${CGROUPS}` : ''} ` +
      `--agents ${AGENTS} --run-minutes ${RUN_MINUTES} --engines ${args.engines}` +
      `${BASELINE ? ` --baseline ${BASELINE}` : ''}${args.expire ? ' --expire' : ''} --write`,
    machine: `${cpus().length} CPUs (${cpus()[0].model}), Linux ${release()}, Node ${process.version}`,
    body,
  });
  console.log('BENCHMARKS.md updated');
} else console.log(body);
