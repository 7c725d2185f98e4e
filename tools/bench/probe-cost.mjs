#!/usr/bin/env node
// Probe cost per syscall: a getppid storm with no tracer, with an empty raw_tracepoint
// program (the floor), with the agent in each mode, and with the peers each mode competes
// with (libbpf-tools syscount, bcc's syscount, bpftrace one-liners), each count checked.
//
// The machine is shared: the storm reports CPU time per call (time spent waiting for a CPU
// is not the probe's), a run is the fastest of a few back-to-back storms, every configuration
// runs once per repetition in a rotating order so that load hits all alike, medians of the
// runs are reported, and a storm run while another tracer had a program on
// sys_enter/sys_exit is thrown away and run again.
//
// Usage: node tools/bench/probe-cost.mjs [--reps 5] [--calls 300000] [--burst 3]
//        [--no-peers] [--only RE] [--write]
// With the peers and these defaults a run takes about 5 minutes on 2 vCPUs; after the table it
// prints each of the agent's modes next to the cheapest peer of its group.
// Peers not installed are skipped with a line saying so (tools/bench/peers-setup.sh installs them).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { cpus, homedir, loadavg as osLoadavg, release } from 'node:os';
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
  return i >= 0 ? args[i + 1] : def;
};
const REPS = Number(opt('--reps', 5));
const CALLS = Number(opt('--calls', 300_000));
const STARTED = Date.now();
const BURST = Number(opt('--burst', 3));
const WRITE = args.includes('--write');
const PEERS = !args.includes('--no-peers'); // --peers is accepted and is the default
const ONLY = opt('--only', null);
const NCPU = cpus().length;
const THREADS = [...new Set([1, NCPU])];

execFileSync('cc', ['-O2', '-pthread', join(here, 'getppid_storm.c'), '-o', STORM]);

// A cgroup with nothing in it, for the --cgroup filter's filtered-out cost; named after this
// run, so that another run on the machine does not remove it under this one.
const CGROUP2 = readFileSync('/proc/self/mountinfo', 'utf8')
  .split('\n')
  .find((l) => / - cgroup2 /.test(l))
  ?.split(' ')[4];
const EMPTY_CGROUP = join(CGROUP2 ?? '/sys/fs/cgroup', `syscall-counter-bench-empty-${process.pid}`);
mkdirSync(EMPTY_CGROUP, { recursive: true });
process.on('exit', () => rmdirSync(EMPTY_CGROUP));

const csvCount = (out) => Number(/^110,getppid,(\d+)(?:,|$)/m.exec(out)?.[1] ?? 0);
const agent = (extra, more = {}) => ({
  cmd: AGENT,
  args: [...extra, '-o', 'csv'],
  ready: /Tracing syscalls/,
  count: csvCount,
  ...more,
});
// progs: this tracer's programs on sys_enter/sys_exit, waited for before the storm starts.
// count(out, pids): the getppid calls it saw of the storms (pids: theirs), checked against
// the calls made (or 0 when the storm is filtered out: expectZero).
const AGENT_CONFIGS = [
  { group: 'floor', name: 'empty raw_tracepoint program (floor)', tracer: agent(['--map', 'empty'], { count: null }) },
  { group: 'count', name: 'agent (default: per-CPU array)', tracer: agent([]) },
  { group: 'count', name: 'agent --map hash', tracer: agent(['--map', 'hash']) },
  { group: 'count', name: 'agent --map percpu-hash', tracer: agent(['--map', 'percpu-hash']) },
  {
    group: 'per process',
    name: 'agent -P',
    tracer: agent(['-P'], {
      count: (out, pids) =>
        pids.reduce(
          (s, pid) => s + Number(new RegExp(`^${pid},[^,]*,110,getppid,(\\d+)$`, 'm').exec(out)?.[1] ?? 0),
          0,
        ),
    }),
  },
  {
    group: 'per cgroup',
    name: 'agent -C',
    tracer: agent(['-C'], {
      count: (out) => [...out.matchAll(/^\d+,[^,]*,[^,]*,110,getppid,(\d+)$/gm)].reduce((s, m) => s + Number(m[1]), 0),
    }),
  },
  {
    group: 'failures',
    name: 'agent --errors (all calls, and failures by errno)',
    tracer: agent(['--errors']),
    progs: 2,
  },
  { group: 'failures', name: 'agent -x (failed calls only)', tracer: agent(['-x']), expectZero: true },
  {
    group: 'latency',
    name: 'agent --latency',
    tracer: agent(['--latency'], {
      // syscall_nr,name,count,... with --latency: the count is the third column
      count: csvCount,
    }),
    progs: 2,
  },
  { group: 'filters', name: 'agent -p 1 (storm filtered out)', tracer: agent(['-p', '1']), expectZero: true },
  {
    group: 'filters',
    name: 'agent --syscall read (getppid filtered out)',
    tracer: agent(['--syscall', 'read']),
    expectZero: true,
  },
  {
    group: 'filters',
    name: 'agent --cgroup (an empty cgroup: storm filtered out)',
    tracer: agent(['--cgroup', EMPTY_CGROUP]),
    expectZero: true,
  },
  {
    // A uid no process has: the count is per syscall, not per pid, and tests on this machine
    // run workloads as nobody (65534).
    group: 'filters',
    name: 'agent --uid 3999999 (storm filtered out)',
    tracer: agent(['--uid', '3999999']),
    expectZero: true,
  },
  {
    group: 'filters',
    name: 'agent --comm nomatch (storm filtered out)',
    tracer: agent(['--comm', 'nomatch']),
    expectZero: true,
  },
  {
    group: 'filters',
    name: 'agent --comm getppid_storm (storm counted)',
    tracer: agent(['--comm', 'getppid_storm']),
  },
];

/** The peers, each in the group of the agent's mode it competes with. */
function peerConfigs() {
  const skipped = [];
  const have = (cmd, what) => {
    const ok = spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
    if (!ok) skipped.push(`skip: ${what} (${cmd}) is not installed: bash tools/bench/peers-setup.sh installs it`);
    return ok;
  };
  const configs = [];
  if (!existsSync('/sys/kernel/tracing/events')) {
    try {
      execFileSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
    } catch {
      skipped.push('skip: every peer (they need tracefs; mount -t tracefs nodev /sys/kernel/tracing failed)');
      return { configs, skipped };
    }
  }
  // libbpf-tools: syscall names in a table; with -P, one line per process.
  const sc = (extra, more = {}) => ({
    cmd: 'syscount',
    args: ['-T', '1000', ...extra],
    ready: null, // it says so on a block-buffered stdout: its programs showing up tell
    count: (out) => Number(/^getppid\s+(\d+)/m.exec(out)?.[1] ?? 0),
    ...more,
  });
  const byPid = (out, pids) =>
    pids.reduce((s, pid) => s + Number(new RegExp(`^${pid}\\s+\\S+\\s+(\\d+)`, 'm').exec(out)?.[1] ?? 0), 0);
  if (have('syscount', 'libbpf-tools syscount')) {
    configs.push(
      { group: 'count', name: 'libbpf-tools syscount', tracer: sc([]) },
      {
        group: 'per process',
        name: 'libbpf-tools syscount -P (all the process calls)',
        tracer: sc(['-P'], { count: byPid }),
      },
      { group: 'failures', name: 'libbpf-tools syscount -x', tracer: sc(['-x']), expectZero: true },
      { group: 'latency', name: 'libbpf-tools syscount -L', tracer: sc(['-L']), progs: 2 },
      {
        group: 'filters',
        name: 'libbpf-tools syscount -p 1 (storm filtered out)',
        tracer: sc(['-p', '1']),
        expectZero: true,
      },
    );
  }
  if (have('bpftrace', 'bpftrace')) {
    const bt = (program, re) => ({
      cmd: 'bpftrace',
      args: ['-e', program],
      ready: /Attaching \d+ probes?/,
      count: (out) => sumHist(out, re),
    });
    const count = 'tracepoint:raw_syscalls:sys_enter { @[args->id] = count(); }';
    const latency =
      'tracepoint:raw_syscalls:sys_enter { @start[tid] = nsecs; } ' +
      'tracepoint:raw_syscalls:sys_exit /@start[tid]/ ' +
      '{ @ns[args->id] = hist(nsecs - @start[tid]); delete(@start[tid]); }';
    configs.push(
      { group: 'count', name: 'bpftrace count one-liner', program: count, tracer: bt(count, /^@\[110\]: (\d+)/m) },
      {
        group: 'latency',
        name: 'bpftrace latency one-liner',
        program: latency,
        tracer: bt(latency, '@ns[110]'),
        progs: 2,
      },
    );
  }
  const bccHeaders = [`/lib/modules/${release()}/build`, join(homedir(), '.cache/syscall-counter/bcc-headers')].find(
    (d) => existsSync(join(d, 'include/linux/kconfig.h')),
  );
  if (have('syscount-bpfcc', "bcc's syscount") && !bccHeaders) {
    skipped.push("skip: bcc's syscount (no kernel headers to compile against: bash tools/bench/peers-setup.sh)");
  } else if (bccHeaders) {
    const env = { ...process.env, BCC_KERNEL_SOURCE: bccHeaders, PYTHONUNBUFFERED: '1' };
    const bcc = (extra, more = {}) => ({
      ...sc(extra, more),
      cmd: 'syscount-bpfcc',
      args: ['-T', '1000', ...extra],
      ready: /Tracing syscalls/,
      env,
    });
    configs.push(
      { group: 'count', name: "bcc's syscount-bpfcc", tracer: bcc([]) },
      {
        group: 'per process',
        name: "bcc's syscount-bpfcc -P (all the process calls)",
        tracer: bcc(['-P'], { count: byPid }),
      },
      { group: 'latency', name: "bcc's syscount-bpfcc -L", tracer: bcc(['-L']), progs: 2 },
    );
  }
  for (const c of configs) c.peer = true;
  return { configs, skipped };
}

/** bpftrace prints a count as "@[110]: N", a histogram as "@ns[110]:" and "[lo, hi)  N |@@@|" rows. */
function sumHist(out, key) {
  if (key instanceof RegExp) return Number(key.exec(out)?.[1] ?? 0);
  const at = out.indexOf(`${key}:`);
  if (at < 0) return 0;
  let n = 0;
  for (const line of out.slice(at).split('\n').slice(1)) {
    const m = /^\[[^\]]*[\])]\s+(\d+)\s+\|/.exec(line);
    if (!m) break;
    n += Number(m[1]);
  }
  return n;
}

/** Programs on sys_enter/sys_exit, by the pid that holds them (bpftool perf list). */
function syscallTracers() {
  const r = spawnSync('bpftool', ['perf', 'list', '-j'], { encoding: 'utf8' });
  const list = r.status === 0 ? JSON.parse(r.stdout || '[]') : [];
  return list.filter((e) => e.tracepoint === 'sys_enter' || e.tracepoint === 'sys_exit').map((e) => e.pid);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const loadavg = () =>
  osLoadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function startTracer(t, progs) {
  const proc = spawn(t.cmd, t.args, { stdio: ['ignore', 'pipe', 'pipe'], env: t.env ?? process.env });
  let out = '';
  let err = '';
  let exited = false;
  const done = new Promise((r) => proc.on('close', (code) => ((exited = true), r({ code, out, err }))));
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  // Attached when it says so and its programs show up (bpftrace says so before attaching).
  for (let waited = 0; ; waited += 50) {
    if (exited || waited > 30_000) {
      proc.kill('SIGKILL');
      throw new Error(`${t.cmd} ${t.args.join(' ')} did not start: ${err || out}`);
    }
    if ((!t.ready || t.ready.test(out + err)) && syscallTracers().filter((p) => p === proc.pid).length >= progs) break;
    await sleep(50);
  }
  await sleep(100);
  return { proc, done };
}

/**
 * The fastest of BURST back-to-back storms (others' load only ever adds time); null when
 * another tracer's program was on sys_enter/sys_exit meanwhile.
 */
function storm(threads, own) {
  const clean = () => syscallTracers().every((p) => p === own);
  if (!clean()) return null;
  const runs = [];
  for (let i = 0; i < BURST; i++) {
    const r = spawnSync(STORM, [String(CALLS), String(threads)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    runs.push({ ns: Number(r.stdout.trim()), pid: r.pid });
  }
  return clean() ? { ns: Math.min(...runs.map((r) => r.ns)), pids: runs.map((r) => r.pid) } : null;
}

/**
 * All thread counts under one tracer start. A storm another tracer disturbed is run again
 * under the same start (up to ~2 minutes): its calls only add to totals, and per-process
 * counts are read for the kept storms' pids only.
 */
async function sample(c, results) {
  let t;
  try {
    t = c.tracer && (await startTracer(c.tracer, c.progs ?? 1));
  } catch (e) {
    if (!c.peer) throw e;
    c.broken = `skip: ${c.name}: ${e.message.split('\n')[0]}`;
    console.log(c.broken);
    return;
  }
  const got = [];
  for (const threads of THREADS) {
    let g = storm(threads, t?.proc.pid);
    for (let attempt = 0; !g; attempt++) {
      retries++;
      if (attempt > 600) {
        t?.proc.kill('SIGKILL');
        throw new Error('another tracer stayed attached to sys_enter/sys_exit for minutes');
      }
      await sleep(200);
      g = storm(threads, t?.proc.pid);
    }
    got.push(g);
  }
  let out = '';
  if (t) {
    t.proc.kill('SIGINT');
    ({ out } = await t.done);
  }
  const counted = c.tracer?.count?.(
    out,
    got.flatMap((g) => g.pids),
  );
  THREADS.forEach((threads, i) => results[`${threads}|${c.name}`].push(got[i].ns));
  if (counted !== undefined) counts[c.name].push(counted);
}

const { configs: peers, skipped } = PEERS ? peerConfigs() : { configs: [], skipped: ['skip: peers (--no-peers)'] };
const GROUPS = ['floor', 'count', 'per process', 'per cgroup', 'failures', 'latency', 'filters'];
const CONFIGS = [{ group: 'floor', name: 'no tracer (baseline)', tracer: null }, ...AGENT_CONFIGS, ...peers]
  .filter((c) => !ONLY || c.group === 'floor' || new RegExp(ONLY).test(c.name))
  .sort((a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group));
for (const line of skipped) console.log(line);

const results = Object.fromEntries(THREADS.flatMap((t) => CONFIGS.map((c) => [`${t}|${c.name}`, []])));
const counts = Object.fromEntries(CONFIGS.map((c) => [c.name, []]));
let retries = 0;
for (let rep = 0; rep < REPS; rep++) {
  // Rotate the order each repetition: no configuration always runs right after another.
  for (let k = 0; k < CONFIGS.length; k++) {
    const c = CONFIGS[(k + rep) % CONFIGS.length];
    if (!c.broken) await sample(c, results);
  }
  process.stderr.write(`rep ${rep + 1}/${REPS} done\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const addedOf = (c, t) => median(results[`${t}|${c.name}`]) - baseOf[t];

/** Each agent mode against the peer of its group that adds the least, thread count by thread count. */
function peerLines() {
  const rows = [];
  for (const group of GROUPS) {
    const live = CONFIGS.filter((c) => c.group === group && c.tracer && !c.broken);
    const theirs = live.filter((c) => c.peer);
    if (!theirs.length) continue;
    for (const c of live.filter((x) => !x.peer)) {
      const cells = THREADS.map((t) => {
        const best = theirs.reduce((a, b) => (addedOf(b, t) < addedOf(a, t) ? b : a));
        const ratio = addedOf(c, t) / addedOf(best, t);
        return `${addedOf(c, t).toFixed(1)} vs ${addedOf(best, t).toFixed(1)} (${best.name}): ${ratio.toFixed(2)}`;
      });
      rows.push(`| ${c.name} | ${cells.join(' | ')} |`);
    }
  }
  if (!rows.length) return [];
  const heads = THREADS.map((t) => `${t} thread${t > 1 ? 's' : ''}: added ns, agent vs cheapest peer: ratio`);
  return [
    '',
    'Each mode next to its peer (same run):',
    '',
    `| agent mode | ${heads.join(' | ')} |`,
    `|---|${THREADS.map(() => '---').join('|')}|`,
    ...rows,
  ];
}

const expected = BURST * THREADS.reduce((s, t) => s + t * CALLS, 0);
const countsOk = (c) =>
  c.expectZero ? counts[c.name].every((x) => x === 0) : counts[c.name].every((x) => x >= expected);
const baseOf = {};
const floorOf = {};
for (const t of THREADS) {
  baseOf[t] = median(results[`${t}|${CONFIGS[0].name}`]);
  floorOf[t] = median(results[`${t}|${AGENT_CONFIGS[0].name}`]) - baseOf[t];
}
const heads = THREADS.map((t) => `${t} thread${t > 1 ? 's' : ''}: ns (added) | / floor`);
const lines = [
  `CPU time per getppid call (${CALLS.toLocaleString('en')} calls per thread); each run is the fastest of ${BURST}`,
  `back-to-back storms under one tracer start, the table the median of ${REPS} runs;`,
  '"added" is over no tracer, "/ floor" its ratio to the empty program\'s added cost in the same run.',
  `Storms run again because another tracer was attached meanwhile: ${retries}.`,
  '',
  `| mode | configuration | ${heads.join(' | ')} | getppid counted |`,
  `|---|---|${THREADS.map(() => '---:|---:').join('|')}|---|`,
];
for (const c of CONFIGS.filter((x) => !x.broken)) {
  const cells = THREADS.map((t) => {
    const med = median(results[`${t}|${c.name}`]);
    if (!c.tracer) return `${med.toFixed(1)} | –`;
    const added = med - baseOf[t];
    return `${med.toFixed(1)} (${added.toFixed(1)}) | ${(added / floorOf[t]).toFixed(2)}`;
  });
  const min = Math.min(...counts[c.name]).toLocaleString('en');
  const seen = c.expectZero ? 'none, as filtered out' : `${min} min of ${expected.toLocaleString('en')}`;
  const countCol = c.tracer?.count ? `${countsOk(c) ? 'yes' : 'NO'}: ${seen}` : '–';
  lines.push(`| ${c.group} | ${c.name} | ${cells.join(' | ')} | ${countCol} |`);
}
const programs = CONFIGS.filter((c) => c.program && !c.broken).map((c) => `- ${c.name}: \`${c.program}\``);
if (programs.length) lines.push('', ...programs);
lines.push(...peerLines());
const table = lines.join('\n');
console.log(table);
console.log(`wall time: ${((Date.now() - STARTED) / 1000).toFixed(0)} s, load average ${loadavg()}`);
const bad = CONFIGS.filter((c) => !c.broken && c.tracer?.count && !countsOk(c));
if (bad.length) {
  console.error(`counts wrong: ${bad.map((c) => c.name).join(', ')}`);
  process.exitCode = 1;
}
if (WRITE) {
  const vuln = spawnSync('sh', ['-c', 'cd /sys/devices/system/cpu/vulnerabilities && grep . *'], {
    encoding: 'utf8',
  }).stdout.trim();
  const flags = `--reps ${REPS} --calls ${CALLS} --burst ${BURST}${PEERS ? '' : ' --no-peers'}`;
  updateSection('probe-cost', {
    title: '1. Probe cost per syscall',
    command: `node tools/bench/probe-cost.mjs ${flags} --write`,
    machine: `${NCPU} CPUs (${cpus()[0].model}), Linux ${release()}`,
    body: `${table}\n\nMitigations:\n\n\`\`\`\n${vuln}\n\`\`\`\n${skipped.length ? `\n${skipped.join('  \n')}\n` : ''}`,
  });
}
