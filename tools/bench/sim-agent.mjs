// Pieces the control-plane benchmarks share: a real control plane on a free port with a
// fresh SQLite file, and simulated agents speaking the real proto over real gRPC.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(ROOT, 'package.json'));
export const grpc = require('@grpc/grpc-js');
// fromPartial fills every field the sim does not set (new repeated fields included), as the agent would.
const { Snapshot } = require('@syscall-counter/proto');
export const proto = require(join(ROOT, 'proto/dist'));
export const TOKEN = 'bench-token-0123456789abcdef';

export function metadata() {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${TOKEN}`);
  return md;
}

/** A control plane on a free port: a SQLite file in @dir, unless @env names a database (SC_DB_URL). */
export async function startControlPlane(dir, db = join(dir, 'bench.db'), env = {}) {
  const listen = `127.0.0.1:${await freePort()}`;
  writeFileSync(join(dir, 'token'), TOKEN);
  const proc = spawn(process.execPath, [join(ROOT, 'apps/control-plane/dist/main.js')], {
    env: {
      // No /metrics unless the bench asks (metrics-scrape.mjs sets SC_METRICS_LISTEN).
      SC_METRICS_LISTEN: 'off',
      ...process.env,
      SC_LISTEN: listen,
      SC_DB_PATH: db,
      SC_TOKEN_FILE: join(dir, 'token'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((res) => {
    let log = '';
    const onData = (d) => {
      log += d;
      if (log.includes('"msg":"listening"')) {
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        res();
      }
    };
    proc.stdout.on('data', onData);
  });
  const stop = () => new Promise((r) => (proc.exitCode !== null ? r() : (proc.on('close', r), proc.kill('SIGTERM'))));
  return { proc, listen, db, stop };
}

/** User+system CPU seconds and RSS bytes of a process. */
export function procStat(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  return { cpu: (Number(f[11]) + Number(f[12])) / 100, rss };
}

export const dbBytes = (path) =>
  ['', '-wal'].reduce((s, ext) => s + (existsSync(path + ext) ? statSync(path + ext).size : 0), 0);

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

/**
 * One simulated agent: a hello, then cumulative snapshots of @nsys syscalls that all grow, until
 * @more(seq) says stop. Closed loop by default: each is sent when the previous is acked. With
 * @intervalMs, open loop like the real agent (`-i`): one snapshot every @intervalMs, the first after
 * @phaseMs once @start resolved, whether or not the last was acked yet. @clock(seq) gives each
 * snapshot's time.
 */
export function simAgent({
  listen,
  hostId,
  runId,
  nsys = 60,
  processes = 0,
  cgroups = 0,
  startedMs = Date.now(),
  clock = () => Date.now(),
  more,
  onAck = () => {},
  onWelcome = () => {},
  onStop = () => {},
  intervalMs = 0,
  phaseMs = 0,
  start = Promise.resolve(),
}) {
  return new Promise((resolvePromise, reject) => {
    const client = new proto.CollectorServiceClient(listen, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
    const call = client.collect(metadata());
    const counts = Array.from({ length: nsys }, () => 0);
    let seq = 0;
    // When each unacked snapshot was sent (one at a time in closed loop, several in open loop).
    const sentAt = new Map();
    let timer;
    // Per-process mode: K processes share the first 5 syscalls' calls of each interval.
    const weight = (processes * (processes + 1)) / 2;
    // Per-cgroup mode: likewise, K containers (the same ids on every host, like a fleet's units).
    const cgWeight = (cgroups * (cgroups + 1)) / 2;
    const send = () => {
      seq++;
      const rows = [];
      const cgRows = [];
      for (let i = 0; i < nsys; i++) {
        const inc = 1 + ((i * 7919 + seq * 104729) % 500);
        counts[i] += inc;
        for (let p = 0; i < 5 && p < processes; p++) {
          const c = Math.floor((inc * (p + 1)) / weight);
          if (c > 0) rows.push({ pid: 1000 + p, comm: `proc${p}`, nr: i * 4, count: String(c) });
        }
        for (let g = 0; i < 5 && g < cgroups; g++) {
          const c = Math.floor((inc * (g + 1)) / cgWeight);
          const id = `${String(g).padStart(4, '0')}${'ab'.repeat(30)}`;
          if (c > 0)
            cgRows.push({
              path: `/system.slice/docker-${id}.scope`,
              container: `docker:${id.slice(0, 12)}`,
              nr: i * 4,
              count: String(c),
            });
        }
      }
      sentAt.set(String(seq), process.hrtime.bigint());
      call.write({
        snapshot: Snapshot.fromPartial({
          runId,
          seq: String(seq),
          timeUnixMs: String(clock(seq)),
          counts: counts.map((c, i) => ({ nr: i * 4, count: String(c) })),
          final: false,
          processes: rows,
          cgroups: cgRows,
          unattributed: '0',
          failures: [],
          latency: [],
        }),
      });
    };
    const tick = () => {
      if (more(seq)) return send();
      clearInterval(timer);
      onStop();
      call.end(); // the control plane acks what it has, then ends the stream
    };
    const openLoop = async () => {
      await start;
      timer = setTimeout(() => {
        timer = setInterval(tick, intervalMs);
        tick();
      }, phaseMs);
    };
    call.on('data', (msg) => {
      if (msg.welcome) {
        onWelcome();
        return intervalMs ? void openLoop() : send();
      }
      if (msg.ack) {
        onAck(Number(process.hrtime.bigint() - sentAt.get(msg.ack.seq)) / 1e6);
        sentAt.delete(msg.ack.seq);
        if (intervalMs) return;
        if (more(seq)) send();
        else call.end();
      }
    });
    call.on('error', (e) => {
      clearTimeout(timer);
      clearInterval(timer);
      reject(e);
    });
    call.on('end', () => {
      client.close();
      resolvePromise(seq - sentAt.size); // the acked ones
    });
    call.write({
      hello: {
        hostId,
        hostname: hostId,
        kernelRelease: release(),
        arch: 'x86_64',
        bootId: 'bench',
        agentVersion: 'bench',
        mapMode: 'percpu',
        intervalMs: intervalMs || 10000,
        runId,
        runStartedUnixMs: String(startedMs),
        scope: 'all processes',
        processTopK: processes,
        cgroupTopK: cgroups,
        errors: false,
        latency: false,
      },
    });
  });
}
