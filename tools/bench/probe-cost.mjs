#!/usr/bin/env node
// Probe cost per syscall: a getppid storm with no tracer, with an empty
// raw_tracepoint program (the floor), and with the agent in each map mode.
// Configurations are interleaved within each repetition; medians are reported.
// Usage: node tools/bench/probe-cost.mjs [--reps 5] [--calls 3000000] [--write]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
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
const NCPU = cpus().length;

execFileSync('cc', ['-O2', '-pthread', join(here, 'getppid_storm.c'), '-o', STORM]);

const CONFIGS = [
  { name: 'no tracer (baseline)', agent: null },
  { name: 'empty raw_tracepoint program (floor)', agent: ['--map', 'empty'] },
  { name: 'agent --map percpu (default)', agent: ['--map', 'percpu'] },
  { name: 'agent --map hash', agent: ['--map', 'hash'] },
  { name: 'agent --map percpu-hash', agent: ['--map', 'percpu-hash'] },
];

function startAgent(extra) {
  const proc = spawn(AGENT, [...extra, '-o', 'csv'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  const done = new Promise((r) => proc.on('close', (code) => r({ code, out })));
  return new Promise((resolveStart, reject) => {
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
      if (err.includes('Tracing syscalls')) resolveStart({ proc, done });
    });
    proc.on('close', () => reject(new Error(`agent failed: ${err}`)));
  });
}

function storm(threads) {
  const r = spawnSync(STORM, [String(CALLS), String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
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
      if (!c.agent) {
        results[key].ns.push(storm(threads));
        continue;
      }
      const { proc, done } = await startAgent(c.agent);
      results[key].ns.push(storm(threads));
      proc.kill('SIGINT');
      const { out } = await done;
      const row = out.split('\n').find((l) => l.startsWith('110,getppid,'));
      results[key].counted.push(row ? Number(row.split(',')[2]) : 0);
    }
  }
  process.stderr.write(`rep ${rep + 1}/${REPS} done\n`);
}

const lines = [];
for (const threads of threadSets) {
  const base = median(results[`${threads}|${CONFIGS[0].name}`].ns);
  const floor = median(results[`${threads}|${CONFIGS[1].name}`].ns) - base;
  lines.push(`**${threads} thread${threads > 1 ? 's' : ''}** (${CALLS.toLocaleString('en')} getppid calls per thread, median of ${REPS}):`, '');
  lines.push('| configuration | ns/call (min–max) | added ns/call | added / floor | getppid counted (expected ≥ calls) |');
  lines.push('|---|---|---|---|---|');
  for (const c of CONFIGS) {
    const r = results[`${threads}|${c.name}`];
    const med = median(r.ns);
    const added = med - base;
    const expected = CALLS * threads;
    const counted = r.counted.length ? (r.counted.every((x) => x >= expected) ? `yes (${Math.min(...r.counted).toLocaleString('en')} min)` : `NO (${Math.min(...r.counted)})`) : '–';
    const countCol = c.agent && c.agent[1] === 'empty' ? '– (counts nothing)' : counted;
    lines.push(
      `| ${c.name} | ${med.toFixed(1)} (${Math.min(...r.ns).toFixed(1)}–${Math.max(...r.ns).toFixed(1)}) | ${c.agent ? added.toFixed(1) : '–'} | ${c.agent ? (added / floor).toFixed(2) : '–'} | ${countCol} |`,
    );
  }
  lines.push('');
}
const table = lines.join('\n');
console.log(table);
if (WRITE) {
  updateSection('probe-cost', {
    title: '1. Probe cost per syscall',
    command: `node tools/bench/probe-cost.mjs --reps ${REPS} --calls ${CALLS} --write`,
    machine: `${NCPU} CPUs (${cpus()[0].model}), Linux ${release()}`,
    body: table,
  });
}
