#!/usr/bin/env node
// Probe cost per syscall: a getppid storm with no tracer, with an empty
// raw_tracepoint program (the floor), and with the agent in each map mode.
// Configurations are interleaved within each repetition; medians are reported.
// With --peers, also bpftrace, bcc's syscount (default and -P) and strace -c -f (on
// CALLS/30 calls: it is that slow), each checked against the known call count.
// Usage: node tools/bench/probe-cost.mjs [--reps 5] [--calls 3000000] [--peers] [--write]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpus, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateSection } from './benchmarks-md.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const AGENT = join(root, 'agent/syscall-counter-agent');
const STORM = join(root, 'agent/.output/getppid_storm');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const REPS = opt('--reps', 5);
const CALLS = opt('--calls', 3_000_000);
const WRITE = args.includes('--write');
const PEERS = args.includes('--peers');
const STRACE_CALLS = Math.max(1000, Math.floor(CALLS / 30));
const NCPU = cpus().length;

execFileSync('cc', ['-O2', '-pthread', join(here, 'getppid_storm.c'), '-o', STORM]);

// A cgroup with nothing in it, for the --cgroup filter's filtered-out cost.
const CGROUP2 = readFileSync('/proc/self/mountinfo', 'utf8')
  .split('\n')
  .find((l) => / - cgroup2 /.test(l))
  ?.split(' ')[4];
const EMPTY_CGROUP = join(CGROUP2 ?? '/sys/fs/cgroup', 'syscall-counter-bench-empty');
mkdirSync(EMPTY_CGROUP, { recursive: true });
process.on('exit', () => rmdirSync(EMPTY_CGROUP));

const agent = (map) => ({
  cmd: AGENT,
  args: ['--map', map, '-o', 'csv'],
  ready: /Tracing syscalls/,
  count: (out) => Number(/^110,getppid,(\d+)(?:,|$)/m.exec(out)?.[1] ?? 0),
});
const CONFIGS = [
  { name: 'no tracer (baseline)', tracer: null },
  { name: 'empty raw_tracepoint program (floor)', tracer: { ...agent('empty'), count: null } },
  { name: 'agent --map percpu (default)', tracer: agent('percpu') },
  { name: 'agent --map hash', tracer: agent('hash') },
  { name: 'agent --map percpu-hash', tracer: agent('percpu-hash') },
  { name: 'agent --errors (adds a sys_exit program)', tracer: { ...agent('percpu'), args: ['--errors', '-o', 'csv'] } },
  {
    name: 'agent --latency (sys_enter + sys_exit, per-thread timestamps)',
    tracer: { ...agent('percpu'), args: ['--latency', '-o', 'csv'] },
  },
  {
    name: 'agent --comm nomatch (storm filtered out)',
    tracer: { ...agent('percpu'), args: ['--comm', 'nomatch', '-o', 'csv'] },
    expectZero: true,
  },
  {
    name: 'agent --syscall read (getppid filtered out)',
    tracer: { ...agent('percpu'), args: ['--syscall', 'read', '-o', 'csv'] },
    expectZero: true,
  },
  {
    name: 'agent -p 1 (storm filtered out)',
    tracer: { ...agent('percpu'), args: ['-p', '1', '-o', 'csv'] },
    expectZero: true,
  },
  {
    name: 'agent --uid 65534 (storm filtered out)',
    tracer: { ...agent('percpu'), args: ['--uid', '65534', '-o', 'csv'] },
    expectZero: true,
  },
  {
    name: 'agent --cgroup (an empty cgroup: storm filtered out)',
    tracer: { ...agent('percpu'), args: ['--cgroup', EMPTY_CGROUP, '-o', 'csv'] },
    expectZero: true,
  },
  {
    name: 'agent --comm getppid_storm (storm counted)',
    tracer: { ...agent('percpu'), args: ['--comm', 'getppid_storm', '-o', 'csv'] },
  },
  {
    name: 'agent -C (per cgroup)',
    tracer: {
      cmd: AGENT,
      args: ['-C', '-o', 'csv'],
      ready: /Tracing syscalls/,
      count: (out) => [...out.matchAll(/^\d+,[^,]*,[^,]*,110,getppid,(\d+)$/gm)].reduce((s, m) => s + Number(m[1]), 0),
    },
  },
  {
    name: 'agent -P (per process)',
    tracer: {
      cmd: AGENT,
      args: ['-P', '-o', 'csv'],
      ready: /Tracing syscalls/,
      count: (out, pid) => Number(new RegExp(`^${pid},[^,]*,110,getppid,(\\d+)$`, 'm').exec(out)?.[1] ?? 0),
    },
  },
];
if (PEERS) {
  const bccSource = execFileSync('bash', [join(here, 'peers-setup.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const bcc = { ...process.env, BCC_KERNEL_SOURCE: bccSource, PYTHONUNBUFFERED: '1' };
  CONFIGS.push(
    {
      name: 'bpftrace tracepoint:raw_syscalls:sys_enter { @[args->id] = count(); }',
      tracer: {
        cmd: 'bpftrace',
        args: ['-e', 'tracepoint:raw_syscalls:sys_enter { @[args->id] = count(); }'],
        ready: /Attaching/,
        count: (out) => Number(/@\[110\]: (\d+)/.exec(out)?.[1] ?? 0),
      },
    },
    {
      name: 'syscount-bpfcc',
      tracer: {
        cmd: 'syscount-bpfcc',
        args: [],
        env: bcc,
        ready: /Tracing syscalls/,
        count: (out) => Number(/^getppid\s+(\d+)/m.exec(out)?.[1] ?? 0),
      },
    },
    {
      name: 'syscount-bpfcc -P (per process; all its syscalls)',
      // By pid: syscount resolves names when it prints, after the storm has exited ("[unknown]").
      tracer: {
        cmd: 'syscount-bpfcc',
        args: ['-P'],
        env: bcc,
        ready: /Tracing syscalls/,
        count: (out, pid) => Number(new RegExp(`^${pid}\\s+\\S+\\s+(\\d+)$`, 'm').exec(out)?.[1] ?? 0),
      },
    },
    { name: `strace -c -f (${STRACE_CALLS.toLocaleString('en')} calls per thread)`, strace: true },
  );
}

function startTracer(t) {
  const proc = spawn(t.cmd, t.args, { stdio: ['ignore', 'pipe', 'pipe'], env: t.env ?? process.env });
  let out = '';
  let err = '';
  let started = false;
  const done = new Promise((r) => proc.on('close', (code) => r({ code, out })));
  return new Promise((resolveStart, reject) => {
    const check = () => {
      if (!started && t.ready.test(out + err)) {
        started = true;
        // Tools print "attached" just before the probes are live: give them a moment.
        setTimeout(() => resolveStart({ proc, done }), 300);
      }
    };
    proc.stdout.on('data', (d) => ((out += d), check()));
    proc.stderr.on('data', (d) => ((err += d), check()));
    proc.on('close', () => started || reject(new Error(`${t.cmd} failed: ${err}`)));
  });
}

/** strace runs the storm itself; its summary goes to a file. */
function underStrace(threads) {
  const dir = mkdtempSync(join(tmpdir(), 'sc-strace-'));
  try {
    const r = spawnSync(
      'strace',
      ['-f', '-c', '-o', join(dir, 'summary'), STORM, String(STRACE_CALLS), String(threads)],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    const summary = readFileSync(join(dir, 'summary'), 'utf8');
    // % time, seconds, usecs/call, calls, [errors,] syscall
    const cols = summary
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((c) => c.at(-1) === 'getppid');
    return { ns: Number(r.stdout.trim()), counted: Number(cols?.[3] ?? 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let lastStormPid = 0;
function storm(threads) {
  const r = spawnSync(STORM, [String(CALLS), String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  lastStormPid = r.pid;
  return Number(r.stdout.trim());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const threadSets = [...new Set([1, NCPU])];
const results = {}; // `${threads}|${config}` -> { ns: [], counted: [] }
for (let rep = 0; rep < REPS; rep++) {
  for (const threads of threadSets) {
    for (const c of CONFIGS) {
      const key = `${threads}|${c.name}`;
      results[key] ??= { ns: [], counted: [] };
      if (c.strace) {
        const r = underStrace(threads);
        results[key].ns.push(r.ns);
        results[key].counted.push(r.counted);
        continue;
      }
      if (!c.tracer) {
        results[key].ns.push(storm(threads));
        continue;
      }
      const { proc, done } = await startTracer(c.tracer);
      results[key].ns.push(storm(threads));
      proc.kill('SIGINT');
      const { out } = await done;
      if (c.tracer.count) results[key].counted.push(c.tracer.count(out, lastStormPid));
    }
  }
  process.stderr.write(`rep ${rep + 1}/${REPS} done\n`);
}

const lines = [];
for (const threads of threadSets) {
  const base = median(results[`${threads}|${CONFIGS[0].name}`].ns);
  const floor = median(results[`${threads}|${CONFIGS[1].name}`].ns) - base;
  lines.push(
    `**${threads} thread${threads > 1 ? 's' : ''}** (${CALLS.toLocaleString('en')} getppid calls per thread, median of ${REPS}):`,
    '',
  );
  lines.push(
    '| configuration | ns/call (min–max) | added ns/call | added / floor | getppid counted (expected ≥ calls; 0 when filtered out) |',
  );
  lines.push('|---|---|---|---|---|');
  for (const c of CONFIGS) {
    const r = results[`${threads}|${c.name}`];
    const med = median(r.ns);
    const added = med - base;
    const expected = (c.strace ? STRACE_CALLS : CALLS) * threads;
    const ok = c.expectZero ? r.counted.every((x) => x === 0) : r.counted.every((x) => x >= expected);
    const counted = r.counted.length
      ? `${ok ? 'yes' : 'NO'} (${c.expectZero ? 'none, as filtered: ' : ''}${Math.min(...r.counted).toLocaleString('en')} min)`
      : '–';
    const traced = c.tracer || c.strace;
    const countCol = c.tracer && !c.tracer.count ? '– (counts nothing)' : counted;
    lines.push(
      `| ${c.name} | ${med.toFixed(1)} (${Math.min(...r.ns).toFixed(1)}–${Math.max(...r.ns).toFixed(1)}) | ${traced ? added.toFixed(1) : '–'} | ${traced ? (added / floor).toFixed(2) : '–'} | ${countCol} |`,
    );
  }
  lines.push('');
}
const table = lines.join('\n');
console.log(table);
if (WRITE) {
  updateSection('probe-cost', {
    title: '1. Probe cost per syscall',
    command: `node tools/bench/probe-cost.mjs --reps ${REPS} --calls ${CALLS}${PEERS ? ' --peers' : ''} --write`,
    machine: `${NCPU} CPUs (${cpus()[0].model}), Linux ${release()}`,
    body: table,
  });
}
