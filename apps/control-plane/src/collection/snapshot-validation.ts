import { status } from '@grpc/grpc-js';
import type { Hello, Snapshot } from '@syscall-counter/proto';
import { IngestError } from './ingest-error';

/** Rollup granularity of hourly_counts: ingest fills it, queries read whole hours from it. */
export const HOUR_MS = 3_600_000n;

/** The "other" bucket (ids outside [-1, 1023]) in the nr column. */
export const OTHER_NR = -2;
export const MIN_NR = -1;
export const MAX_NR = 1023;
const MAX_INT64 = (1n << 63n) - 1n;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const ARCHES = ['x86_64', 'arm64'];

function bad(message: string): never {
  throw new IngestError(status.INVALID_ARGUMENT, message);
}

function count(text: string, what: string): bigint {
  if (!/^\d{1,20}$/.test(text)) bad(`${what}: '${text}' is not a uint64`);
  const v = BigInt(text);
  // SQLite integers are signed 64-bit: 2^63 syscalls is 292 years at 10^9/s.
  if (v > MAX_INT64) bad(`${what}: ${text} exceeds 2^63-1`);
  return v;
}

export function validateHello(h: Hello): void {
  if (!ID.test(h.hostId)) bad(`hello: host_id '${h.hostId}' must be 1-128 characters of [A-Za-z0-9._:-]`);
  if (!ID.test(h.runId)) bad(`hello: run_id '${h.runId}' must be 1-128 characters of [A-Za-z0-9._:-]`);
  if (!ARCHES.includes(h.arch)) bad(`hello: arch '${h.arch}' is not one of ${ARCHES.join(', ')}`);
  if (h.hostname.length > 255 || h.scope.length > 4096) bad('hello: hostname or scope too long');
}

/** Cumulative counts by nr (OTHER_NR for the other bucket); throws on any malformed row. */
export function validateSnapshot(s: Snapshot, runId: string): Map<number, bigint> {
  if (s.runId !== runId) {
    throw new IngestError(status.FAILED_PRECONDITION, `snapshot names run '${s.runId}' but this stream's hello opened run '${runId}'`);
  }
  const seq = count(s.seq, 'seq');
  if (seq < 1n) bad('seq must start at 1');
  const counts = new Map<number, bigint>();
  for (const row of s.counts) {
    if (!Number.isInteger(row.nr) || row.nr < MIN_NR || row.nr > MAX_NR) {
      bad(`syscall nr ${row.nr} is outside the table's range [${MIN_NR}, ${MAX_NR}]`);
    }
    if (counts.has(row.nr)) bad(`syscall nr ${row.nr} appears twice`);
    const c = count(row.count, `count of nr ${row.nr}`);
    if (c > 0n) counts.set(row.nr, c);
  }
  const other = count(s.otherCount, 'other_count');
  if (other > 0n) counts.set(OTHER_NR, other);
  return counts;
}

export interface ProcessRow {
  pid: number;
  comm: string;
  nr: number;
  count: bigint;
}

/**
 * A snapshot's per-process rows, checked against the interval's deltas ([nr, delta, ...]):
 * they may not claim more calls of a syscall than the interval has. What they leave
 * unexplained, per syscall, is returned for pid 0.
 */
export function validateProcesses(s: Snapshot, deltas: ReadonlyArray<readonly [number, bigint, ...unknown[]]>): { rows: ProcessRow[]; unexplained: Map<number, bigint> } {
  const unexplained = new Map<number, bigint>(deltas.map(([nr, delta]) => [nr, delta]));
  const seen = new Set<string>();
  const rows = (s.processes ?? []).map((p): ProcessRow => {
    if (!Number.isInteger(p.pid) || p.pid < 1) bad(`process pid ${p.pid} must be at least 1`);
    if (Buffer.byteLength(p.comm) > 15) bad(`process ${p.pid}: comm '${p.comm}' is longer than 15 bytes`);
    const nr = p.hasNr ? p.nr : OTHER_NR;
    if (p.hasNr && (!Number.isInteger(nr) || nr < MIN_NR || nr > MAX_NR)) bad(`process ${p.pid}: syscall nr ${nr} is outside [${MIN_NR}, ${MAX_NR}]`);
    if (seen.has(`${p.pid}:${nr}`)) bad(`process ${p.pid}: syscall nr ${nr} appears twice`);
    seen.add(`${p.pid}:${nr}`);
    const c = count(p.count, `process ${p.pid} count of nr ${nr}`);
    const left = (unexplained.get(nr) ?? 0n) - c;
    if (left < 0n) bad(`process rows claim more calls of nr ${nr} than the snapshot's interval has`);
    unexplained.set(nr, left);
    return { pid: p.pid, comm: p.comm, nr, count: c };
  });
  return { rows: rows.filter((r) => r.count > 0n), unexplained };
}
