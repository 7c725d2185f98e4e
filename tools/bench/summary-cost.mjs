#!/usr/bin/env node
// What `syscall-counter summary -- CMD` (strace -c -f's table, from the agent's BPF counts and
// latency histograms) costs the traced command, against `strace -c -f` on the same command and
// the command alone: wall time of a syscall-dense workload (N getppid calls), median of --reps.
//
//   node tools/bench/summary-cost.mjs [--calls 1000000] [--reps 5] [--write]
import { spawnSync } from 'node:child_process';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { updateSection } from './benchmarks-md.mjs';
import { ROOT } from './sim-agent.mjs';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    reps: { type: 'string', default: '5' },
    write: { type: 'boolean', default: false },
  },
});
const CALLS = Number(args.calls);
const WORKLOAD = [join(ROOT, 'agent/.output/workload'), 'getppid', String(CALLS)];
const CLI = join(ROOT, 'apps/cli/dist/main.js');

/** Runs @argv once; its wall time in seconds (it must succeed). */
function wall(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    env: { ...process.env, SYSCALL_COUNTER_CONFIG: '/nonexistent' },
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return s;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const RUNS = [
  ['the command alone', WORKLOAD],
  ['syscall-counter summary -- CMD', [process.execPath, CLI, 'summary', '--format', 'csv', '--', ...WORKLOAD]],
  ['strace -c -f -o /dev/null CMD', ['strace', '-c', '-f', '-o', '/dev/null', ...WORKLOAD]],
];
const rows = RUNS.map(([label, argv]) => {
  const times = Array.from({ length: Number(args.reps) }, () => wall(argv));
  console.log(`${label.padEnd(34)} ${median(times).toFixed(3)} s`);
  return { label, s: median(times) };
});
const base = rows[0].s;
const body = `
Wall time of \`workload getppid ${CALLS.toLocaleString('en')}\` (one process, nothing but syscalls: the worst
case for a tracer), median of ${args.reps} runs. The summary time includes starting the CLI and the agent
and loading its BPF programs (about the same for any command); strace stops the command at every call.

| run | wall s | vs the command alone |
|---|---:|---:|
${rows.map((r) => `| ${r.label} | ${r.s.toFixed(3)} | ${(r.s / base).toFixed(1)}× |`).join('\n')}
`;
if (args.write) {
  updateSection('summary-cost', {
    title: '5. summary against strace -c -f',
    command: `node tools/bench/summary-cost.mjs --calls ${CALLS} --reps ${args.reps} --write`,
    machine: `${cpus().length} CPUs (${cpus()[0].model}), Linux ${release()}`,
    body,
  });
  console.log('BENCHMARKS.md updated');
} else console.log(body);
