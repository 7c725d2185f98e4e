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
//                                      [--keep DIR]
//   node tools/bench/query-latency.mjs --reuse DIR [--reps 15] [--baseline DIR] [--write]
//
// --keep DIR keeps the history written (one engine, one --hours) with a description of it;
// --reuse DIR times the queries on such a kept history without writing it again.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keepDir, loadHistory, saveHistory, UsageError } from './kept-history.mjs';
import { engineLabel, parseEngines, startCluster, startReader, startStore, timeExpiry } from './pg-bench.mjs';
import { queryCases } from './query-cases.mjs';
import { report } from './query-report.mjs';
import { grpc, metadata, percentile, proto, ROOT, simAgent } from './sim-agent.mjs';

// The history's shape: given, or (--reuse) the kept history's.
const SHAPE = { hosts: '20', hours: '1,24', agents: '64', 'run-minutes': '60', processes: '0', cgroups: '0' };
const { args, REUSE, KEEP } = (() => {
  try {
    return parseOptions();
  } catch (e) {
    if (!(e instanceof UsageError) && !e.code?.startsWith('ERR_PARSE_ARGS')) throw e;
    process.stderr.write(`query-latency: ${e.message}\n`);
    process.exit(2);
  }
})();
const HOSTS = Number(args.hosts);
const LEVELS = args.hours.split(',').map(Number);
const REPS = Number(args.reps);
// History is written by --agents concurrent simulated agents, each streaming one run of --run-minutes.
const AGENTS = Number(args.agents);
const RUN_MINUTES = Number(args['run-minutes']);
// --baseline DIR: a checkout with a built control plane (e.g. the commit before a change), timed on
// the same history as this one's: a same-run A/B.
const BASELINE = args.baseline;
const ENGINES = parseEngines(args.engines);

function parseOptions() {
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(Object.keys(SHAPE).map((k) => [k, { type: 'string' }])),
      reps: { type: 'string', default: '15' },
      engines: { type: 'string' },
      expire: { type: 'boolean' },
      baseline: { type: 'string', default: '' },
      write: { type: 'boolean', default: false },
      keep: { type: 'string' },
      reuse: { type: 'string' },
    },
  });
  const reuse = values.reuse === undefined ? undefined : loadHistory(values.reuse);
  if (reuse) {
    const given = [...Object.keys(SHAPE), 'engines', 'expire', 'keep'].find((k) => values[k] !== undefined);
    if (given) throw new UsageError(`--reuse takes the history's --${given} from its history.json: drop --${given}`);
    Object.assign(values, {
      hosts: String(reuse.hosts),
      hours: String(reuse.hours),
      agents: String(reuse.agents),
      'run-minutes': String(reuse.runMinutes),
      processes: String(reuse.processes),
      cgroups: String(reuse.cgroups),
      engines: reuse.engine,
    });
  }
  const args = { ...SHAPE, engines: 'sqlite', expire: false, ...values };
  const whole = (n, min) => /^\d+$/.test(n) && Number(n) >= min;
  if (![args.hosts, args.reps, args.agents, args['run-minutes'], ...args.hours.split(',')].every((n) => whole(n, 1))) {
    throw new UsageError(
      '--hosts, --reps, --agents, --run-minutes and each of --hours must be whole numbers of at least 1',
    );
  }
  if (!whole(args.processes, 0) || !whole(args.cgroups, 0)) {
    throw new UsageError('--processes and --cgroups must be whole numbers');
  }
  if (Number(args.processes) && Number(args.cgroups)) {
    throw new UsageError('--processes and --cgroups are separate runs (an agent streams one breakdown)');
  }
  if (parseEngines(args.engines).includes(null)) {
    throw new UsageError('--engines is a list of sqlite, pg (one replica) and pgN (N replicas)');
  }
  if (args.keep !== undefined && (args.engines.includes(',') || args.hours.includes(',') || args.expire)) {
    throw new UsageError('--keep keeps one history: one --engines, one --hours, no --expire');
  }
  return { args, REUSE: reuse, KEEP: args.keep === undefined ? undefined : keepDir(args.keep) };
}
// The host of the one-host cases: host-03 of a fleet, or the last of a smaller one.
const ONE_HOST = `host-${String(Math.min(3, HOSTS - 1)).padStart(2, '0')}`;
// --processes K: agents stream K processes per snapshot, and the per-process queries are timed.
const PROCS = Number(args.processes);
// --cgroups K: the same for per-cgroup mode (containers).
const CGROUPS = Number(args.cgroups);
const INTERVAL = 10_000;
const HOUR = 3_600_000;
const EXPIRE_OFFSET = 37 * 60_000 + 13_000;
// --expire: the UTC midnight the histories end after (see openHistory).
const MIDNIGHT = lastMidnight();

// Enums are given by name: the generated client (ts-proto, stringEnums) encodes anything that is
// not one of an enum's names, a number included, as -1.
function query(client, method, req) {
  return new Promise((res, rej) => client[method](req, metadata(), (e, r) => (e ? rej(e) : res(r))));
}

/** A query @REPS times on each client, the clients by turns; p50 and p99 per client. */
async function time(clients, method, req) {
  const ms = clients.map(() => []);
  // A kept store is read from a cold page cache (a written one is warm from writing): its first
  // run of each query, which mostly times the disk, is not counted.
  if (REUSE) for (const client of clients) await query(client, method, req);
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

/**
 * The history of @hours on @engine's store in @dir: written now (a fresh store; --keep: kept in
 * @dir), or the one kept in --reuse DIR (its store started with expiry off: it stays as kept).
 */
async function openHistory(engine, hours, dir) {
  if (REUSE) {
    const dbUrl = engine.postgres ? cluster.url.replace(/\/[^/]+$/, `/${REUSE.database}`) : '';
    const store = await startStore(engine, dir, cluster, { dbUrl, env: { SC_EXPIRE_EVERY: '0' } });
    return { store, ...REUSE, load: loadavg()[0] };
  }
  const store = await startStore(engine, dir, cluster);
  const perHost = (hours * HOUR) / INTERVAL;
  // --expire: the history ends 37 min 13 s after a UTC midnight at least an hour ago, so that
  // expiring what is older than that midnight removes whole days (PostgreSQL: drops their
  // partitions), while the queries' windows still end off the hours and ten minutes.
  const end = args.expire ? MIDNIGHT + EXPIRE_OFFSET : Date.now();
  const start = end - hours * HOUR;
  store.ensureDays(start, end);
  const empty = store.bytes(); // an empty PostgreSQL database is ~7.5 MiB of catalog
  const t0 = Date.now();
  await writeHistory(store, start, perHost);
  const genSeconds = (Date.now() - t0) / 1000;
  store.settle();
  const h = { start, end, snaps: HOSTS * perHost, genSeconds, bytes: store.bytes() - empty, load: loadavg()[0] };
  if (KEEP) {
    const database = store.dbUrl?.replace(/.*\//, '');
    const shape = { hosts: HOSTS, hours, processes: PROCS, cgroups: CGROUPS, agents: AGENTS, runMinutes: RUN_MINUTES };
    saveHistory(KEEP, { engine: engine.name, ...(database ? { database } : {}), ...shape, ...h });
  }
  return { store, ...h };
}

/** One engine at one history length: its history (written or kept), each query timed. */
async function measure(engine, hours) {
  const dir = REUSE?.dir ?? KEEP ?? mkdtempSync(join(tmpdir(), 'sc-query-'));
  const { store, start, end, snaps, genSeconds, bytes, load } = await openHistory(engine, hours, dir);
  const label = engineLabel(engine);
  // Stopped once (a control plane's stop waits for its exit, which comes once).
  let stopping;
  const stopStore = () => (stopping ??= store.stop());
  try {
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
    for (const [who] of servers)
      results.push({ engine: who, hours, meta: true, snaps, rows: snaps * 60, genSeconds, bytes, load });
    console.log(
      `${label.padEnd(24)} ${String(hours).padStart(4)} h  history: ${snaps} snapshots, ` +
        `${snaps * 60} deltas, written in ${genSeconds.toFixed(0)} s, DB ${(bytes / 2 ** 20).toFixed(0)} MiB, ` +
        `load ${load.toFixed(1)} after writing` +
        `${REUSE ? ` (kept in ${REUSE.dir}), load now ${loadavg()[0].toFixed(1)}` : ''}`,
    );
  } finally {
    await stopStore();
    if (args.expire) expiry(engine, store, hours, MIDNIGHT);
    if (!KEEP && !REUSE) rmSync(dir, { recursive: true, force: true });
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
// --keep / --reuse: the cluster lives in DIR/pg and is halted, not deleted, at the end.
const KEPT_PG = (REUSE?.dir ?? KEEP) && { dir: join(REUSE?.dir ?? KEEP, 'pg'), resume: Boolean(REUSE) };
const cluster = ENGINES.some((e) => e.postgres) ? clusterOrExit() : undefined;

function clusterOrExit() {
  try {
    return startCluster({ fast: true, ...KEPT_PG });
  } catch (e) {
    // pg-cluster.sh said why (e.g. a kept cluster still running): its line, not a stack trace.
    process.stderr.write(`query-latency: ${String(e.stderr ?? '').trim() || e.message}\n`);
    process.exit(1);
  }
}
const endCluster = () => (KEPT_PG ? cluster?.halt() : cluster?.stop());
// Interrupted (SIGINT, e.g. a time limit): how far the history got, and nothing left running.
const progress = { acked: 0, of: 0, since: 0, store: undefined };
process.on('SIGINT', () => {
  const s = (Date.now() - progress.since) / 1000;
  console.log(`interrupted: ${progress.acked} of ${progress.of} snapshots written in ${s.toFixed(0)} s`);
  progress.store?.procs.forEach((p) => p.kill('SIGKILL'));
  endCluster();
  process.exit(130);
});
const results = [];
const expiries = [];
try {
  for (const engine of ENGINES) for (const hours of LEVELS) await measure(engine, hours);
} finally {
  endCluster();
}

report(results, expiries, {
  HOSTS,
  LEVELS,
  REPS,
  AGENTS,
  RUN_MINUTES,
  PROCS,
  CGROUPS,
  BASELINE,
  REUSE,
  args,
});
