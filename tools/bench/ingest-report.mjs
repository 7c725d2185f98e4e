// The tables of ingest-load.mjs: closed loop (capacity at a concurrency) and open loop (the ack
// latency a fleet of agents at a fixed interval sees).

const f0 = (x) => x.toFixed(0);
const f2 = (x) => x.toFixed(2);
const enginesOf = (results) => [...new Set(results.map((r) => r.engine))];

const STORES = `an ack means committed: to SQLite (WAL, synchronous=NORMAL), or to PostgreSQL (a
throw-away cluster from \`tools/pg-cluster.sh\` with its defaults: fsync and synchronous_commit on),
with the agents spread over the replicas`;

const costs = (cpus) => `The load generator, the control planes and PostgreSQL share the
machine's ${cpus} CPUs. CPU is user+system time over wall time (100% = one core): the
control planes' (summed), the PostgreSQL server's and the load generator's (all the simulated
agents, one Node process). DB bytes: the SQLite file and its WAL, or
\`pg_database_size\`. Load is the 1-minute load average at the end of the level.`;

function table(results, engine, head, row) {
  const rows = results.filter((r) => r.engine === engine).map(row);
  return `**${engine}**\n\n${head}\n${rows.join('\n')}\n`;
}

/** The share of its peak throughput at which an engine's closed-loop curve counts as bent. */
export const KNEE_SHARE = 0.9;

/** The knee of one engine's levels (@rs, in run order): the fewest agents within KNEE_SHARE of @peak. */
export function kneeOf(rs, peak) {
  return [...rs].sort((a, b) => a.agents - b.agents).find((r) => r.snapsPerSec >= KNEE_SHARE * peak.snapsPerSec);
}

/** Closed loop: each agent sends its next snapshot when the last is acked. */
export function closedLoopBody(results, { nsys, seconds, cpus }) {
  const head =
    '| agents | snapshots/s | rows/s | ack p50 ms | ack p99 ms | CP CPU % | DB CPU % | gen CPU % | CP RSS MiB | ' +
    'bytes/snapshot | load |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const row = (r) =>
    `| ${r.agents} | ${f0(r.snapsPerSec)} | ${f0(r.snapsPerSec * nsys)} | ${f2(r.p50)} | ${f2(r.p99)} | ` +
    `${f0(r.cpu)} | ${f0(r.serverCpu)} | ${f0(r.genCpu)} | ${f0(r.rss)} | ${f0(r.bytesPerSnap)} | ` +
    `${r.load.toFixed(1)} |`;
  const knees = enginesOf(results).flatMap((e) => {
    const rs = results.filter((r) => r.engine === e);
    const peak = rs.reduce((a, b) => (b.snapsPerSec > a.snapsPerSec ? b : a));
    const knee = kneeOf(rs, peak);
    const perHostDay = (rs.at(-1).bytesPerSnap * 8640) / 2 ** 20;
    return [
      { ...knee, perHostDay, at: knee === peak ? 'knee and peak' : 'knee' },
      ...(knee === peak ? [] : [{ ...peak, perHostDay, at: 'peak' }]),
    ];
  });
  return `
Closed loop: each simulated agent (its own gRPC connection, the real proto) sends its next
cumulative snapshot (${nsys} non-zero syscalls, all growing, so ${nsys} deltas per snapshot, stored as one
packed row) as soon as the previous one is acked; ${STORES}.
${seconds} s per level. ${costs(cpus)}

${enginesOf(results)
  .map((e) => table(results, e, head, row))
  .join('\n')}
At each engine's knee and peak, and DB growth per host-day at 10 s. The peak is the level with
the most snapshots/s. The knee is the fewest agents that reach ${KNEE_SHARE * 100}% of the peak: past it, more
concurrency adds little throughput and mostly queueing. A closed loop's latency is its
concurrency over its rate (Little's law): at 128 agents and 2,000 snapshots/s every ack waits
64 ms on average whatever the store. So p99 at the peak grows with however many agents the run
tried; the knee is where the store still answers before queueing dominates. The open-loop table
(3b) gives the latency a fleet sees.

| engine | level | snapshots/s | at agents | ack p50 ms | ack p99 ms | MiB per host-day |
|---|---|---:|---:|---:|---:|---:|
${knees
  .map(
    (k) =>
      `| ${k.engine} | ${k.at} | **${f0(k.snapsPerSec)}** | ${k.agents} | ${f2(k.p50)} | ${f2(k.p99)} | ` +
      `${k.perHostDay.toFixed(1)} |`,
  )
  .join('\n')}
`;
}

/** A level kept up when it acked (nearly) what was offered and its backlog drained within an interval. */
const keptUp = (r, intervalMs) => r.snapsPerSec >= 0.97 * r.offered && r.drainMs <= intervalMs;

/** Open loop: N agents each send one snapshot every interval, acked or not. */
export function openLoopBody(results, { nsys, seconds, intervalMs, cpus }) {
  const head =
    '| agents | hellos ms | offered/s | acked/s | ack p50 ms | ack p99 ms | drain ms | kept up | CP CPU % | ' +
    'DB CPU % | gen CPU % | CP RSS MiB | bytes/snapshot | load |\n' +
    '|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|';
  const row = (r) =>
    `| ${r.agents} | ${f0(r.helloMs)} | ${f0(r.offered)} | ${f0(r.snapsPerSec)} | ${f2(r.p50)} | ${f2(r.p99)} | ` +
    `${f0(r.drainMs)} | ${keptUp(r, intervalMs) ? 'yes' : '**no**'} | ${f0(r.cpu)} | ${f0(r.serverCpu)} | ` +
    `${f0(r.genCpu)} | ${f0(r.rss)} | ` +
    `${f0(r.bytesPerSnap)} | ${r.load.toFixed(1)} |`;
  const knees = enginesOf(results).map((e) => {
    const ok = results.filter((r) => r.engine === e && keptUp(r, intervalMs));
    return { engine: e, best: ok.length ? ok.reduce((a, b) => (b.offered > a.offered ? b : a)) : undefined };
  });
  return `
Open loop, as real agents run: each of N simulated agents (its own gRPC connection, the real
proto) sends a cumulative snapshot (${nsys} non-zero syscalls, all growing) every ${intervalMs} ms whether or
not its last one was acked, the N agents' sends spread evenly over the interval, so the store is
offered N × ${1000 / intervalMs} snapshots/s and each ack's latency (send to ack, queueing included) is what a
fleet of N hosts at that interval sees; ${STORES}. Each level first opens its N runs (hellos ms: all
N hellos at once, as after a fleet-wide restart), then sends for ${seconds} s; acked/s counts the acks
received while sending; CPU and bytes are those of the sending part; drain is how long the
last acks took after the sending stopped. A level kept up when acked/s is at least 97% of offered
and it drained within one interval. ${costs(cpus)}

${enginesOf(results)
  .map((e) => table(results, e, head, row))
  .join('\n')}
The most agents each engine kept up with in this run, and their ack latency:

| engine | agents at ${intervalMs} ms | snapshots/s | ack p50 ms | ack p99 ms |
|---|---:|---:|---:|---:|
${knees
  .map(({ engine, best: b }) =>
    b
      ? `| ${engine} | **${b.agents}** | ${f0(b.snapsPerSec)} | ${f2(b.p50)} | ${f2(b.p99)} |`
      : `| ${engine} | none of the levels | | | |`,
  )
  .join('\n')}
`;
}
