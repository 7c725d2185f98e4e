// The benchmarks' database engines: a fresh SQLite file, or a fresh database on a throw-away
// PostgreSQL cluster (tools/pg-cluster.sh, durable: fsync and synchronous_commit on, as a fleet
// would run it) served by one or more control-plane replicas.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.mjs';
import { dbBytes, procStat, ROOT, startControlPlane } from './sim-agent.mjs';

// As in the migrations 1765600000001-raw-day-partitions (a snapshot's key is its day × 2^32 + a sequence)
// and 1766600000000-packed-deltas (deltas packed in snapshot_counts, the partitioned table).
const DAY_MS = 86_400_000;
const DAY_KEYS = 2 ** 32;
const PARTITIONED = ['snapshot_counts', 'process_counts', 'cgroup_counts', 'failure_deltas', 'latency_deltas'];

/** The engines a benchmark may run on: `sqlite`, `pg` (one replica) and `pgN` (N replicas). */
export function parseEngines(spec) {
  return spec.split(',').map((e) => {
    const m = /^(sqlite|pg)(\d*)$/.exec(e);
    if (!m || (m[1] === 'sqlite' && m[2])) return null;
    return { name: e, postgres: m[1] === 'pg', replicas: m[1] === 'pg' ? Number(m[2] || 1) : 1 };
  });
}

export function engineLabel(e) {
  return e.postgres ? `PostgreSQL, ${e.replicas} replica${e.replicas > 1 ? 's' : ''}` : 'SQLite';
}

/**
 * A throw-away cluster for the whole benchmark run; @fast turns fsync off (SC_PG_FAST), for
 * benchmarks that time queries over a history they only need written quickly.
 */
export function startCluster({ fast = false, dir: at = '', resume = false } = {}) {
  const verb = resume ? 'resume' : 'start';
  const [url, dir] = execFileSync('bash', [join(ROOT, 'tools/pg-cluster.sh'), verb, ...(at ? [at] : [])], {
    encoding: 'utf8',
    env: { ...process.env, SC_PG_FAST: fast ? '1' : '0' },
  })
    .trim()
    .split(' ');
  const psql = (sql, db = url) =>
    execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql], {
      encoding: 'utf8',
      env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
    }).trim();
  const postmaster = Number(readFileSync(join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
  let n = 0;
  return {
    url,
    psql,
    /** A new empty database; its URL. */
    createDatabase() {
      const name = `bench_${process.pid}_${++n}`;
      psql(`CREATE DATABASE ${name}`);
      return url.replace(/\/[^/]+$/, `/${name}`);
    },
    /** CPU seconds of the server's processes (the postmaster's children: backends, WAL writer, ...). */
    cpu() {
      let sum = 0;
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          if (Number(pid) === postmaster || Number(f[1]) === postmaster) sum += (Number(f[11]) + Number(f[12])) / 100;
        } catch {
          // a process that ended meanwhile
        }
      }
      return sum;
    },
    stop: () => execFileSync('bash', [join(ROOT, 'tools/pg-cluster.sh'), 'stop', dir], { stdio: 'inherit' }),
    /** Stops the server and keeps its data directory (query-latency.mjs --keep). */
    halt: () => execFileSync('bash', [join(ROOT, 'tools/pg-cluster.sh'), 'halt', dir], { stdio: 'inherit' }),
  };
}

/**
 * The store under test: control plane(s) on @engine, with what the benchmarks read from it
 * (addresses, CPU of the control planes and of the server, database bytes).
 */
export async function startStore(
  engine,
  dir,
  cluster,
  { dbUrl = engine.postgres ? cluster.createDatabase() : '', env = {} } = {},
) {
  if (!engine.postgres) {
    const cp = await startControlPlane(dir, undefined, env);
    return {
      env: { SC_DB_PATH: cp.db, SC_TOKEN_FILE: join(dir, 'token') },
      listens: [cp.listen],
      procs: [cp.proc],
      bytes: () => dbBytes(cp.db),
      serverCpu: () => 0,
      settle: () => undefined,
      ensureDays: () => undefined,
      stop: () => cp.stop(),
    };
  }
  // Replicas start together: the migration lock lets one migrate while the others wait.
  const cps = await Promise.all(
    Array.from({ length: engine.replicas }, () => startControlPlane(dir, undefined, { ...env, SC_DB_URL: dbUrl })),
  );
  return {
    env: { SC_DB_URL: dbUrl, SC_TOKEN_FILE: join(dir, 'token') },
    dbUrl,
    listens: cps.map((c) => c.listen),
    procs: cps.map((c) => c.proc),
    bytes: () => Number(cluster.psql('SELECT pg_database_size(current_database())', dbUrl)),
    serverCpu: () => cluster.cpu(),
    // What autovacuum does to a table that stopped growing: statistics for the planner, and the
    // visibility map that lets index-only scans skip the heap.
    settle: () => cluster.psql('VACUUM (ANALYZE)', dbUrl),
    // The day partitions of a history written after the fact: a control plane that ran through
    // those days had created each a few days ahead (retention/partitions.repository.ts).
    ensureDays: (fromMs, toMs) => {
      const sql = [];
      for (let day = Math.floor(fromMs / DAY_MS); day <= Math.floor(toMs / DAY_MS); day++) {
        for (const t of PARTITIONED) {
          sql.push(
            `CREATE TABLE IF NOT EXISTS "${t}_d${day}" PARTITION OF "${t}" ` +
              `FOR VALUES FROM (${day * DAY_KEYS}) TO (${(day + 1) * DAY_KEYS});`,
          );
        }
      }
      cluster.psql(sql.join('\n'), dbUrl);
    },
    stop: () => Promise.all(cps.map((c) => c.stop())),
  };
}

/**
 * A control plane of another build (@mainJs) serving the store's database beside the store's own
 * (it finds no migration of its own pending), for same-run A/B timings of queries.
 */
export async function startReader(store, mainJs, dir) {
  const listen = `127.0.0.1:${await freePort()}`;
  const proc = spawn(process.execPath, [mainJs], {
    env: { SC_METRICS_LISTEN: 'off', ...process.env, ...store.env, SC_LISTEN: listen, SC_EXPIRE_EVERY: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((res, rej) => {
    let log = '';
    proc.on('exit', (code) => rej(new Error(`baseline control plane ${mainJs} exited (${code}) in ${dir}`)));
    proc.stdout.on('data', (d) => {
      log += d;
      if (log.includes('"msg":"listening"')) res();
    });
  });
  proc.removeAllListeners('exit');
  proc.stdout.resume();
  const stop = () => new Promise((r) => (proc.exitCode !== null ? r() : (proc.on('close', r), proc.kill('SIGTERM'))));
  return { listen, stop };
}

/**
 * One expiry pass over the store (the store stopped): \`control-plane --expire-once\` with raw
 * history kept for @keep (SC_RETAIN_RAW); its wall time, or why it could not run (a control plane
 * without retention).
 */
export function timeExpiry(store, keep) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'apps/control-plane/dist/main.js'), '--expire-once'], {
    env: { ...process.env, ...store.env, SC_RETAIN_RAW: keep, SC_RETAIN_HOURLY: '400d' },
    encoding: 'utf8',
  });
  const seconds = (Date.now() - t0) / 1000;
  if (r.status === 0) return { seconds, report: r.stdout.trim() };
  return { error: (r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.status}` };
}

/** The control planes' summed CPU seconds and RSS bytes. */
export function storeStat(store) {
  return store.procs
    .map((p) => procStat(p.pid))
    .reduce((a, b) => ({ cpu: a.cpu + b.cpu, rss: a.rss + b.rss }), { cpu: 0, rss: 0 });
}
