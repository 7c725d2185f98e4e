#!/usr/bin/env node
// The agent's own footprint: RSS, private memory and CPU time over a window, standalone
// and streaming to a real control plane at the default 10 s interval, on an idle host
// and with 1,000 / 10,000 extra live processes making syscalls.
//
//   node tools/bench/agent-footprint.mjs [--seconds 60] [--procs 1000,10000] [--agent PATH] [--write]
// --agent: another build of the agent (e.g. of an older commit), to compare its reads.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { updateSection } from './benchmarks-md.mjs';
import { procStat, ROOT, startControlPlane } from './sim-agent.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    procs: { type: 'string', default: '1000,10000' },
    agent: { type: 'string', default: join(ROOT, 'agent/syscall-counter-agent') },
    write: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const AGENT = args.agent;
const MANY = join(ROOT, 'agent/.output/many_procs');
execFileSync('cc', ['-O2', join(ROOT, 'tools/bench/many_procs.c'), '-o', MANY]);

const privateKiB = (pid) => {
  const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return ['Private_Clean', 'Private_Dirty'].reduce((s, k) => s + Number(new RegExp(`${k}:\\s+(\\d+)`).exec(t)[1]), 0);
};

/** SIGTERM to the observing agent; the syscalls it counted (its JSON report's total). */
async function stopObserver(proc) {
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('close', r));
  return JSON.parse(out).total;
}

const intervalOf = (argv) => (argv.includes('-i') ? Number(argv[argv.indexOf('-i') + 1]) : 10);

function startAgent(argv) {
  const proc = spawn(AGENT, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.resume();
  return new Promise((res, rej) => {
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
      if (/Tracing syscalls|connected|streaming/i.test(err)) res(proc);
    });
    setTimeout(() => res(proc), 3000); // streaming mode may log nothing: measure anyway
    proc.on('close', (code) => rej(new Error(`agent exited ${code}: ${err}`)));
  });
}

/** Short-lived processes, one after another (~100 a second): per-process reads drain the dead. */
const churn = () => spawn('sh', ['-c', 'while :; do /bin/true; sleep 0.01; done'], { stdio: 'ignore' });

async function measure(label, argv, extraProcs, churning = false) {
  let many;
  if (extraProcs) {
    many = spawn(MANY, [String(extraProcs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => many.stdout.once('data', r));
  }
  const short = churning ? churn() : null;
  const agent = await startAgent(argv);
  await new Promise((r) => setTimeout(r, 1000)); // past start-up (BPF load, first connect)
  // A second agent counts the first one's own syscalls (which it leaves out of its counts).
  const observer = await startAgent(['-p', String(agent.pid), '-o', 'json']);
  const a = procStat(agent.pid);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const b = procStat(agent.pid);
  const wall = (Date.now() - t0) / 1000;
  const own = await stopObserver(observer);
  const row = {
    label,
    procs: extraProcs,
    cpuPct: ((b.cpu - a.cpu) / wall) * 100,
    rssMiB: b.rss / 2 ** 20,
    privMiB: privateKiB(agent.pid) / 1024,
    // Streaming: one snapshot every -i seconds (10 by default); standalone: none until exit.
    ownPerSnapshot: argv.includes('--server') ? own / Math.max(1, wall / intervalOf(argv)) : undefined,
  };
  agent.kill('SIGTERM');
  await new Promise((r) => agent.on('close', r));
  for (const p of [many, short].filter(Boolean)) {
    p.kill('SIGKILL');
    await new Promise((r) => p.on('close', r));
  }
  console.log(
    `${label.padEnd(44)} +${String(extraProcs).padStart(5)} procs: CPU ${row.cpuPct.toFixed(3)}% of one core, ` +
      `RSS ${row.rssMiB.toFixed(1)} MiB, private ${row.privMiB.toFixed(1)} MiB, ` +
      `own syscalls per snapshot ${row.ownPerSnapshot === undefined ? '-' : Math.round(row.ownPerSnapshot)}`,
  );
  return row;
}

const dir = mkdtempSync(join(tmpdir(), 'sc-footprint-'));
const cp = await startControlPlane(dir);
const rows = [];
try {
  const stream = ['--server', cp.listen, '--token-file', join(dir, 'token')];
  rows.push(await measure('standalone (counts, prints at exit)', [], 0));
  rows.push(await measure('streaming to a control plane, -i 10 (default)', stream, 0));
  for (const n of args.procs.split(',').filter(Boolean).map(Number))
    rows.push(await measure('streaming to a control plane, -i 10 (default)', stream, n));
  rows.push(await measure('streaming to a control plane, -i 1', [...stream, '-i', '1'], 0));
  // Per-process mode: each snapshot reads (and drains) the per-process map and names the top 20.
  for (const n of [0, ...args.procs.split(',').filter(Boolean).map(Number)])
    rows.push(await measure('-P per process, streaming, -i 10', ['-P', ...stream], n));
  rows.push(await measure('-P, streaming, -i 10, ~100 processes exiting a second', ['-P', ...stream], 0, true));
  rows.push(await measure('-C per cgroup, streaming, -i 10', ['-C', ...stream], 0));
  rows.push(await measure('--errors, streaming, -i 10', ['--errors', ...stream], 0));
  rows.push(await measure('--latency, streaming, -i 10', ['--latency', ...stream], 0));
} finally {
  await cp.stop();
  rmSync(dir, { recursive: true, force: true });
}

const tableRow = (r) =>
  [
    r.label,
    r.procs.toLocaleString('en'),
    r.cpuPct.toFixed(3),
    r.rssMiB.toFixed(1),
    r.privMiB.toFixed(1),
    r.ownPerSnapshot === undefined ? '—' : Math.round(r.ownPerSnapshot).toLocaleString('en'),
  ]
    .map((cell) => `| ${cell} `)
    .join('') + '|';
const body = `
The agent process only (the BPF program's cost is paid by the callers and shown in
table 1). CPU is user+system time over ${SECONDS} s of wall time after start-up; "private"
is Private_Clean+Private_Dirty from smaps_rollup (what the agent costs the host beyond
shared libraries). Extra processes each call getppid and sleep 1 s in a loop. The agent
counts per host, so its maps and work do not grow with the number of processes; in
per-process mode (-P) each read walks the per-process map in batches and drains the
processes that exited (one more batched read, and batched deletes); --latency reads the
histogram rows of the syscalls called (a few dozen of 1,026 × 64 buckets) and --errors the
failure counters, every snapshot. The agent leaves its
own syscalls out of its counts; a second agent (\`-p\` of the first) counts them: "own syscalls
per snapshot" is that count over the window divided by the snapshots sent in it.

| agent | extra live processes | CPU % of one core | RSS MiB | private MiB | own syscalls per snapshot |
|---|---:|---:|---:|---:|---:|
${rows.map(tableRow).join('\n')}
`;
if (args.write) {
  updateSection('footprint', {
    title: '2. Agent footprint',
    command: `node tools/bench/agent-footprint.mjs --seconds ${SECONDS} --procs ${args.procs} --write`,
    machine: `${cpus().length} CPUs (${cpus()[0].model}), Linux ${release()}`,
    body,
  });
  console.log('BENCHMARKS.md updated');
} else console.log(body);
