// The tables query-latency.mjs prints and (--write) puts in BENCHMARKS.md: p50 / p99 per query,
// engine and history length, with what writing each history measured.
import { cpus, release } from 'node:os';
import { updateSection } from './benchmarks-md.mjs';

/**
 * @results and @expiries of a run; @o the run's options (HOSTS, LEVELS, REPS, AGENTS, RUN_MINUTES,
 * PROCS, CGROUPS, BASELINE, REUSE, args).
 */
export function report(results, expiries, o) {
  const { HOSTS, LEVELS, REPS, AGENTS, RUN_MINUTES, PROCS, CGROUPS, BASELINE, REUSE, args } = o;
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
| *history: snapshots / deltas / DB size* | ${LEVELS.map((h) => history(e, h)).join(' | ')} |
| *history written in (s; snapshots/s)* | ${LEVELS.map((h) => written(metaOf(e, h))).join(' | ')} |
| *DB bytes per host-day (MiB)* | ${LEVELS.map((h) => perHostDay(metaOf(e, h), h)).join(' | ')} |
${expiryRow(e)}| *load average after writing it* | ${LEVELS.map((h) => metaOf(e, h).load.toFixed(1)).join(' | ')} |
`;
  const body = `
${HOSTS} hosts, 10 s intervals, 60 syscalls changing every interval (60 deltas per
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
  }${
    REUSE
      ? `
The history was written earlier (\`--keep\`; its writing time and load are from then) and timed here
with \`--reuse\`, its store served from a cold page cache: each query's first run is not counted.`
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
      command: REUSE
        ? `node tools/bench/query-latency.mjs --reuse ${REUSE.dir} --reps ${REPS}` +
          `${BASELINE ? ` --baseline ${BASELINE}` : ''} --write`
        : `node tools/bench/query-latency.mjs --hosts ${HOSTS} --hours ${args.hours} --reps ${REPS}` +
          `${PROCS ? ` --processes ${PROCS}` : ''}${CGROUPS ? ` --cgroups ${CGROUPS}` : ''} ` +
          `--agents ${AGENTS} --run-minutes ${RUN_MINUTES} --engines ${args.engines}` +
          `${BASELINE ? ` --baseline ${BASELINE}` : ''}${args.expire ? ' --expire' : ''} --write`,
      machine: `${cpus().length} CPUs (${cpus()[0].model}), Linux ${release()}, Node ${process.version}`,
      body,
    });
    console.log('BENCHMARKS.md updated');
  } else console.log(body);
}
