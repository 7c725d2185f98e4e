import type { Hello, Snapshot } from '@syscall-counter/proto';
import { FailedPreconditionError, InvalidArgumentError } from '../common/domain-errors';
import { nrFromWire } from '../common/syscall-nr';

const MAX_INT64 = (1n << 63n) - 1n;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const ARCHES = ['x86_64', 'arm64'];

function bad(message: string): never {
  throw new InvalidArgumentError(message);
}

function count(text: string, what: string): bigint {
  if (!/^\d{1,20}$/.test(text)) bad(`${what}: '${text}' is not a uint64`);
  const v = BigInt(text);
  // SQLite integers are signed 64-bit: 2^63 syscalls is 292 years at 10^9/s.
  if (v > MAX_INT64) bad(`${what}: ${text} exceeds 2^63-1`);
  return v;
}

/** C0 and C1 controls, DEL, and the bidi marks that make text read other than it is stored. */
const HOSTILE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A string the store keeps and others read: at most @max bytes, no control or bidi characters. */
export function checkText(value: string, what: string, max: number): void {
  if (Buffer.byteLength(value) > max) bad(`${what} is longer than ${max} bytes`);
  const m = HOSTILE.exec(value);
  if (m) bad(`${what} holds the control character U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** Bytes of each hello string: a kernel's release is 64, a hostname 253; the agent's scope fits in 255. */
const HELLO_TEXT: Array<[keyof Hello, number]> = [
  ['hostname', 255],
  ['kernelRelease', 256],
  ['bootId', 128],
  ['agentVersion', 128],
  ['mapMode', 64],
  ['scope', 1024],
];

export function validateHello(h: Hello): void {
  if (!ID.test(h.hostId)) bad(`hello: host_id '${h.hostId.slice(0, 130)}' must be 1-128 characters of [A-Za-z0-9._:-]`);
  if (!ID.test(h.runId)) bad(`hello: run_id '${h.runId.slice(0, 130)}' must be 1-128 characters of [A-Za-z0-9._:-]`);
  if (!ARCHES.includes(h.arch)) bad(`hello: arch '${h.arch.slice(0, 40)}' is not one of ${ARCHES.join(', ')}`);
  for (const [field, max] of HELLO_TEXT) checkText(String(h[field] ?? ''), `hello: ${field}`, max);
  count(h.runStartedUnixMs ?? '0', 'hello: run_started_unix_ms');
}

/** How far a snapshot's clock may be from the server's (ahead) or from its run's start (behind). */
export const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * At the edge, against the server's clock: a time far in the future would be stored and flatten
 * every fleet series (and 2^63 does not fit). 0 means "now" (the server's time is used).
 */
export function checkSnapshotTime(s: Snapshot, nowMs: number): void {
  const t = count(s.timeUnixMs ?? '0', 'time_unix_ms');
  if (t > BigInt(nowMs + CLOCK_SKEW_MS))
    bad(`time_unix_ms ${t} is more than ${CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock`);
}

/** A snapshot's time (0: @nowMs), which may not be before its run started (less the allowed skew). */
export function snapshotTime(s: Snapshot, runStartedMs: number, nowMs: number): bigint {
  const t = count(s.timeUnixMs ?? '0', 'time_unix_ms') || BigInt(nowMs);
  if (t < BigInt(runStartedMs - CLOCK_SKEW_MS)) bad(`time_unix_ms ${t} is before its run started (${runStartedMs})`);
  return t;
}

/** Cumulative counts by nr (OTHER_NR for the other bucket); throws on any malformed row. */
export function validateSnapshot(s: Snapshot, runId: string): Map<number, bigint> {
  if (s.runId !== runId) {
    throw new FailedPreconditionError(`snapshot names run '${s.runId}' but this stream's hello opened run '${runId}'`);
  }
  const seq = count(s.seq, 'seq');
  if (seq < 1n) bad('seq must start at 1');
  const counts = new Map<number, bigint>();
  for (const row of s.counts) {
    const nr = nrFromWire(row.nr, 'count row');
    if (counts.has(nr)) bad(`syscall nr ${nr} appears twice`);
    const c = count(row.count, `count of nr ${nr}`);
    if (c > 0n) counts.set(nr, c);
  }
  return counts;
}

/**
 * The snapshot's cumulative unattributed count, checked against the run's previous one and the
 * interval's total (the unattributed calls of an interval are some of its calls).
 */
export function validateUnattributed(s: Snapshot, before: bigint, intervalTotal: bigint): bigint {
  const now = count(s.unattributed ?? '0', 'unattributed');
  if (now < before) throw new FailedPreconditionError(`unattributed went backwards: ${before} -> ${now}`);
  if (now - before > intervalTotal)
    bad(`unattributed grew by ${now - before}, more than the interval's ${intervalTotal} calls`);
  return now;
}

/** errno codes the kernel returns: 1..4095 (the kernel-internal 512..530 included). */
const MAX_ERRNO = 4095;

/** Cumulative failure counts keyed "nr:errno" (errno 0: every failure of the syscall). */
export function validateFailures(s: Snapshot): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const f of s.failures ?? []) {
    const nr = nrFromWire(f.nr, 'failure row');
    if (!Number.isInteger(f.errnoCode) || f.errnoCode < 0 || f.errnoCode > MAX_ERRNO)
      bad(`failure row of nr ${nr}: errno ${f.errnoCode} is outside [0, ${MAX_ERRNO}]`);
    const key = `${nr}:${f.errnoCode}`;
    if (out.has(key)) bad(`failure row of nr ${nr}, errno ${f.errnoCode} appears twice`);
    const c = count(f.count, `failures of nr ${nr}, errno ${f.errnoCode}`);
    if (c > 0n) out.set(key, c);
  }
  return out;
}

/** Cumulative latency rows keyed "nr:bucket": buckets 0..63, total ns as -1, unreturned calls as -2. */
export function validateLatency(s: Snapshot): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const put = (nr: number, bucket: number, text: string, what: string) => {
    const c = count(text, what);
    if (c > 0n) out.set(`${nr}:${bucket}`, c);
  };
  const nrs = new Set<number>();
  for (const l of s.latency ?? []) {
    const nr = nrFromWire(l.nr, 'latency row');
    if (nrs.has(nr)) bad(`latency row of nr ${nr} appears twice`);
    nrs.add(nr);
    put(nr, -1, l.totalNs, `latency of nr ${nr}: total_ns`);
    put(nr, -2, l.unreturned, `latency of nr ${nr}: unreturned`);
    const seen = new Set<number>();
    for (const b of l.buckets) {
      if (!Number.isInteger(b.bucket) || b.bucket < 0 || b.bucket > 63)
        bad(`latency of nr ${nr}: bucket ${b.bucket} is outside [0, 63]`);
      if (seen.has(b.bucket)) bad(`latency of nr ${nr}: bucket ${b.bucket} appears twice`);
      seen.add(b.bucket);
      put(nr, b.bucket, b.count, `latency of nr ${nr}: bucket ${b.bucket}`);
    }
  }
  return out;
}

export interface ProcessRow {
  pid: number;
  comm: string;
  nr: number;
  count: bigint;
}

export interface CgroupRow {
  path: string;
  container: string;
  nr: number;
  count: bigint;
}

export interface Breakdown<R> {
  rows: R[];
  /** Per syscall, the interval's calls no row explains: they go to the "other" row. */
  unexplained: Map<number, bigint>;
}

/**
 * Checks detail rows (per process or per cgroup) against the interval's deltas ([nr, delta, ...]):
 * one row per (entity, syscall), and together they may not claim more calls of a syscall than the
 * interval has.
 */
function breakdown<T extends { nr: number; count: string }, R>(
  items: T[],
  deltas: ReadonlyArray<readonly [number, bigint, ...unknown[]]>,
  describe: (item: T) => string,
  make: (item: T, nr: number, count: bigint) => R,
): Breakdown<R> {
  const unexplained = new Map<number, bigint>(deltas.map(([nr, delta]) => [nr, delta]));
  const seen = new Set<string>();
  const rows: R[] = [];
  for (const item of items) {
    const what = describe(item);
    const nr = nrFromWire(item.nr, what);
    if (seen.has(`${what}\u0000${nr}`)) bad(`${what}: syscall nr ${nr} appears twice`);
    seen.add(`${what}\u0000${nr}`);
    const c = count(item.count, `${what} count of nr ${nr}`);
    const left = (unexplained.get(nr) ?? 0n) - c;
    if (left < 0n) bad(`${what}: rows claim more calls of nr ${nr} than the snapshot's interval has`);
    unexplained.set(nr, left);
    if (c > 0n) rows.push(make(item, nr, c));
  }
  return { rows, unexplained };
}

/** A snapshot's per-process rows; what they leave unexplained goes to pid 0. */
export function validateProcesses(
  s: Snapshot,
  deltas: ReadonlyArray<readonly [number, bigint, ...unknown[]]>,
): Breakdown<ProcessRow> {
  return breakdown(
    s.processes ?? [],
    deltas,
    (p) => {
      if (!Number.isInteger(p.pid) || p.pid < 1) bad(`process pid ${p.pid} must be at least 1`);
      if (Buffer.byteLength(p.comm) > 15) bad(`process ${p.pid}: comm '${p.comm}' is longer than 15 bytes`);
      return `process ${p.pid}`;
    },
    (p, nr, c) => ({ pid: p.pid, comm: p.comm, nr, count: c }),
  );
}

/** A snapshot's per-cgroup rows; what they leave unexplained goes to the "other" cgroup. */
export function validateCgroups(
  s: Snapshot,
  deltas: ReadonlyArray<readonly [number, bigint, ...unknown[]]>,
): Breakdown<CgroupRow> {
  return breakdown(
    s.cgroups ?? [],
    deltas,
    (g) => {
      if (!/^(\/|cgroup_\d+$)/.test(g.path) || Buffer.byteLength(g.path) > 4096)
        bad(`cgroup path '${g.path.slice(0, 80)}' must start with '/' (or be cgroup_<id>) and fit in 4096 bytes`);
      checkText(g.path, 'cgroup path', 4096);
      checkText(g.container, `cgroup ${g.path}: container`, 128);
      return `cgroup ${g.path}`;
    },
    (g, nr, c) => ({ path: g.path, container: g.container, nr, count: c }),
  );
}
