// Generators of malformed Collect messages for the hardening suite: each case is the raw
// messages of one stream and the status the control plane must end it with.
import { status } from '@grpc/grpc-js';
import { CollectRequest } from '@syscall-counter/proto';
import { hello, snapshot } from './grpc-client';

export interface MalformedCase {
  kind: string;
  messages: Buffer[];
  expect: status;
}

/** A small seeded PRNG (mulberry32): the same cases on every run. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = (req: object) => Buffer.from(CollectRequest.encode(CollectRequest.fromPartial(req)).finish());

type Gen = (r: () => number, i: number) => Omit<MalformedCase, 'kind'>;

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const bigIn = (r: () => number, lo: bigint, span: bigint) =>
  lo + (BigInt(Math.floor(r() * 2 ** 52)) * span) / 2n ** 52n;

/** A fresh run's hello for case @i (its own run id: cases never share state). */
const open = (i: number, over: object = {}) => enc({ hello: { ...hello(`hx-${i}`, 'fuzz-host').hello, ...over } });
const snap = (i: number, seq: number, counts: Record<number, number | string>, over: object = {}) =>
  enc({ snapshot: { ...snapshot(`hx-${i}`, seq, counts).snapshot, timeUnixMs: String(Date.now()), ...over } });
const HOSTILE = ['\u0000', '\u0007', '\u001b[2J', '\n', '\u007f', '\u0085', '\u009b', '\u202e', '\u2066', '\u200f'];
const HELLO_STRINGS = ['hostname', 'kernelRelease', 'bootId', 'agentVersion', 'mapMode', 'scope'];

export const GENERATORS: Record<string, Gen> = {
  // Bytes that are no CollectRequest: an invalid wire type (6 or 7) up front, then noise.
  'random bytes': (r) => {
    const noise = Buffer.from(Array.from({ length: int(r, 0, 200) }, () => int(r, 0, 255)));
    return { messages: [Buffer.concat([Buffer.from([(int(r, 3, 15) << 3) | int(r, 6, 7)]), noise])], expect: 3 };
  },
  // A valid snapshot cut short inside its length-delimited body.
  truncation: (r, i) => {
    const whole = snap(i, 1, { 39: int(r, 1, 1e6), 0: 5 });
    return { messages: [whole.subarray(0, int(r, 1, whole.length - 1))], expect: 3 };
  },
  // A valid hello followed by an unknown field of an impossible wire type.
  'wrong wire type': (r, i) => {
    const tail = Buffer.from([(int(r, 3, 15) << 3) | int(r, 6, 7), int(r, 0, 127)]);
    return { messages: [Buffer.concat([open(i), tail])], expect: 3 };
  },
  // Past SC_MAX_MESSAGE_BYTES (64 KiB in the suite).
  oversize: (r, i) => ({
    messages: [open(i), snap(i, 1, { 39: 1 }, { runId: 'x'.repeat(int(r, 66_000, 90_000)) })],
    expect: status.RESOURCE_EXHAUSTED,
  }),
  // A snapshot before any hello, or a second hello.
  'order violation': (r, i) =>
    r() < 0.9
      ? { messages: [snap(i, 1, { 39: 1 })], expect: status.FAILED_PRECONDITION }
      : { messages: [open(i), open(i)], expect: status.FAILED_PRECONDITION },
  // Syscall numbers, errno codes and buckets outside their ranges.
  'out-of-range id': (r, i) => {
    const pick = int(r, 0, 2);
    const bad =
      pick === 0
        ? { counts: [{ nr: r() < 0.5 ? int(r, 1024, 2 ** 31 - 1) : -int(r, 3, 2 ** 31), count: '1' }] }
        : pick === 1
          ? { failures: [{ nr: 3, errnoCode: int(r, 4096, 2 ** 32 - 1), count: '1' }] }
          : { latency: [{ nr: 3, totalNs: '1', unreturned: '0', buckets: [{ bucket: int(r, 64, 1e6), count: '1' }] }] };
    return { messages: [open(i, { errors: true, latency: true }), snap(i, 1, { 3: 1 }, bad)], expect: 3 };
  },
  // Counters, times and sums that do not fit a signed 64-bit integer.
  overflow: (r, i) => {
    const pick = int(r, 0, 2);
    const counts: Record<number, string> =
      pick === 0
        ? { 39: bigIn(r, 2n ** 63n, 2n ** 63n - 1n).toString() }
        : { 39: bigIn(r, 2n ** 62n, 2n ** 61n).toString(), 40: bigIn(r, 2n ** 62n, 2n ** 61n).toString() };
    const over = pick === 2 ? { timeUnixMs: bigIn(r, 2n ** 63n, 2n ** 63n - 1n).toString() } : {};
    return { messages: [open(i), snap(i, 1, pick === 2 ? { 39: 1 } : counts, over)], expect: 3 };
  },
  // A counter smaller than the run's previous one.
  'backwards counter': (r, i) => {
    const before = int(r, 2, 1e9);
    const after = int(r, 0, before - 1);
    return {
      messages: [open(i), snap(i, 1, { 39: before }), snap(i, 2, after ? { 39: after } : { 40: 1 })],
      expect: status.FAILED_PRECONDITION,
    };
  },
  // A snapshot of another run, or a hello for the reference run from another host or agent start.
  'foreign run': (r, i) => {
    const pick = int(r, 0, 2);
    if (pick === 0) return { messages: [open(i), snap(i, 1, { 39: 1 }, { runId: 'ref-run' })], expect: 9 };
    if (pick === 1) return { messages: [enc(hello('ref-run', `fuzz-${i}`))], expect: 9 };
    const h = { ...hello('ref-run', 'ref-host').hello, bootId: `other-boot-${i}` };
    return { messages: [enc({ hello: h })], expect: status.ALREADY_EXISTS };
  },
  // Control and bidi characters, or too many bytes, in the strings the store keeps.
  'hostile string': (r, i) => {
    const evil = r() < 0.2 ? 'a'.repeat(int(r, 4097, 20_000)) : `x${HOSTILE[int(r, 0, HOSTILE.length - 1)]}y`;
    if (r() < 0.9) return { messages: [open(i, { [HELLO_STRINGS[int(r, 0, 5)]]: evil })], expect: 3 };
    const g =
      r() < 0.5
        ? { path: `/evil${evil}`, container: '' }
        : { path: '/ok', container: evil.length > 1000 ? 'c'.repeat(129) : evil };
    return {
      messages: [open(i, { cgroupTopK: 5 }), snap(i, 1, { 39: 5 }, { cgroups: [{ ...g, nr: 39, count: '1' }] })],
      expect: 3,
    };
  },
};

/**
 * How many cases of each kind: most where the refusal costs the server no database write (it
 * decodes or validates first), fewer where a run must be opened first (a hello is a write).
 */
export const CASES_PER_KIND: Record<string, number> = {
  'random bytes': 2000,
  truncation: 2000,
  'wrong wire type': 2000,
  'order violation': 1500,
  'hostile string': 1500,
  oversize: 200,
  'out-of-range id': 200,
  overflow: 200,
  'backwards counter': 200,
  'foreign run': 200,
};

/**
 * The same kinds, a tenth of the cases (1,000): for PostgreSQL, where every hello and snapshot is
 * a round trip to another process and the full set would take minutes of the suite's budget.
 */
export const CASES_PER_KIND_REDUCED: Record<string, number> = Object.fromEntries(
  Object.entries(CASES_PER_KIND).map(([kind, n]) => [kind, n / 10]),
);

/** Every kind's cases, interleaved and reproducible. */
export function malformedCases(perKind = CASES_PER_KIND, seed = 11): MalformedCase[] {
  const r = rng(seed);
  const out: MalformedCase[] = [];
  let i = 0;
  for (const [kind, gen] of Object.entries(GENERATORS))
    for (let n = 0; n < perKind[kind]; n++) out.push({ kind, ...gen(r, i++) });
  return out.sort(() => r() - 0.5);
}
