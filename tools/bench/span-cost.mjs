#!/usr/bin/env node
// The span every top/series/diff query reads (CountsRepository.span), at fleet scale on PostgreSQL
// (issue 12): H hosts × D days of R-minute runs at 10 s intervals, written as rows by
// generate_series (snapshots and runs only: the span reads nothing else), then the built control
// plane's span timed over windows, beside the every-run span it replaced (three index seeks into
// snapshots per run ever stored, runs.last_hour_ms and last_ms unused: what the span cost before
// issue 12 for a window over the whole history): a same-run A/B on one database.
//
//   node tools/bench/span-cost.mjs [--hosts 20] [--days 7] [--run-minutes 60] [--reps 7]
//
// Needs a built control plane (npx nx run control-plane:build). Prints the median and best of
// --reps per window and variant (a table), and the 1-minute load average; exits 1 if the answers differ.
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCluster } from './pg-bench.mjs';
import { ROOT } from './sim-agent.mjs';

const require = createRequire(join(ROOT, 'package.json'));
const dist = (p) => require(join(ROOT, 'apps/control-plane/dist', p));
const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '20' },
    days: { type: 'string', default: '7' },
    'run-minutes': { type: 'string', default: '60' },
    reps: { type: 'string', default: '7' },
  },
});
const [HOSTS, DAYS, RUN_MIN, REPS] = ['hosts', 'days', 'run-minutes', 'reps'].map((k) => Number(args[k]));
const T0 = 1_800_000_000_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const RUNS = Math.floor((DAYS * 24 * 60) / RUN_MIN);

const { EVERY_RUN_SPAN } = dist('queries/data/span-reference');

/** The control plane's database module over @dbUrl (it migrates), and its SQL runner. */
async function openStore(dbUrl) {
  const { NestFactory } = require('@nestjs/core');
  const { ConfigModule } = require('@nestjs/config');
  const { DatabaseModule } = dist('database/database.module');
  const module = {
    module: class SpanBenchModule {},
    imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ dbUrl })] }), DatabaseModule],
  };
  const app = await NestFactory.createApplicationContext(module, { logger: false });
  return { app, sql: app.get(dist('database/sql-runner').SqlRunner) };
}

/** HOSTS hosts, RUNS back-to-back runs each, a snapshot every 10 s; last_hour_ms and last_ms as ingest keeps them. */
function fill(cluster, dbUrl) {
  const every = 10_000;
  cluster.psql(
    `INSERT INTO hosts (host_id, hostname, kernel_release, arch, boot_id, first_seen_ms, last_seen_ms)
       SELECT 'h' || h, 'h' || h, '6.1.0', 'x86_64', 'boot', ${T0}, ${T0} FROM generate_series(0, ${HOSTS - 1}) h;
     INSERT INTO runs (run_id, host_id, hostname, arch, kernel_release, boot_id, agent_version, map_mode,
                       interval_ms, scope, started_ms, last_seen_ms, last_seq, last_hour_ms, last_ms)
       SELECT 'h' || h || '-r' || i, 'h' || h, 'h' || h, 'x86_64', '6.1.0', 'boot', 'bench', 'percpu', ${every},
              'all', ${T0} + i * ${RUN_MIN * MIN} + h * 37000, ${T0} + (i + 1) * ${RUN_MIN * MIN} + h * 37000,
              ${(RUN_MIN * MIN) / every}, (${T0} + (i + 1) * ${RUN_MIN * MIN} + h * 37000) / ${HOUR} * ${HOUR},
              ${T0} + (i + 1) * ${RUN_MIN * MIN} + h * 37000
         FROM generate_series(0, ${HOSTS - 1}) h, generate_series(0, ${RUNS - 1}) i;
     INSERT INTO snapshots (run_id, seq, host_id, time_ms, total)
       SELECT r.run_id, k, r.host_id, r.started_ms + k * ${every}, 1
         FROM runs r, generate_series(1, ${(RUN_MIN * MIN) / every}) k;`,
    dbUrl,
  );
  cluster.psql('VACUUM (ANALYZE)', dbUrl);
}

async function time(fn) {
  const ms = [];
  let answer;
  for (let i = 0; i < REPS; i++) {
    const t = process.hrtime.bigint();
    answer = await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], best: ms[0], answer };
}

async function main() {
  const cluster = startCluster({ fast: true });
  try {
    const dbUrl = cluster.createDatabase();
    const { app, sql } = await openStore(dbUrl);
    const t = Date.now();
    fill(cluster, dbUrl);
    console.log(
      `${HOSTS} hosts × ${RUNS} runs of ${RUN_MIN} min (${HOSTS * RUNS} runs), written in ${Date.now() - t} ms`,
    );
    const { CountsRepository } = dist('queries/data/counts.repository');
    const counts = new CountsRepository(sql, undefined, undefined);
    const end = T0 + RUNS * RUN_MIN * MIN;
    const mid = T0 + Math.floor(RUNS / 2) * RUN_MIN * MIN + 25 * MIN;
    const windows = [
      ['last hour', end - HOUR, end],
      ['an hour in the middle', mid, mid + HOUR],
      ['a day in the middle', mid, mid + 24 * HOUR],
      [`the whole history (${DAYS} d)`, T0, end + HOUR],
      [`all but its first half hour`, T0 + 30 * MIN, end + HOUR],
    ];
    const f = (x) => `${x.median.toFixed(1)}, ${x.best.toFixed(1)}`;
    console.log('| window | every-run span ms (median, best) | span ms (median, best) | same answer |');
    console.log('|---|---|---|---|');
    let differ = 0;
    for (const [label, since, until] of windows) {
      const w = { hostIds: [], runId: '', since: BigInt(since), until: BigInt(until), bounded: true, filter: {} };
      const before = await time(() => sql.all(EVERY_RUN_SPAN, w.since, w.until, w.since, w.until));
      const after = await time(() => counts.span(w, 'deltas'));
      const same = JSON.stringify(before.answer[0], String) === JSON.stringify(after.answer, String);
      if (!same) differ++;
      console.log(`| ${label} | ${f(before)} | ${f(after)} | ${same ? 'yes' : 'NO'} |`);
    }
    if (differ) process.exitCode = 1;
    console.log(`load average (1 min): ${loadavg()[0].toFixed(2)}`);
    await app.close();
  } finally {
    cluster.stop();
  }
}

await main();
