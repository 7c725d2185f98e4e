import { Injectable } from '@nestjs/common';
import type { ExpiredHistory, Scope } from '@syscall-counter/proto';
import { AbortedError } from '../common/domain-errors';
import { HOUR_MS } from '../database/hourly-rollups';
import { TEN_MINUTES_MS } from '../database/ten-minute-rollups';
import { RetentionMarks, RetentionMarksRepository } from '../retention/retention-marks.repository';
import { CountsRepository, KeyedCount } from './data/counts.repository';
import { HostTotalsRepository } from './data/host-totals.repository';
import { Grain, RollupsRepository } from './data/rollups.repository';
import { CountSource, Key, NEVER, Source, Window, windowOf } from './scope-window';

/** Separates a key from its label in the keys of labelled groupings (process, container). */
export const LABEL_SEP = '\u0000';

export interface Span {
  first: bigint;
  last: bigint;
  /** The arch of the scope's runs; '' when arches mix. */
  arch: string;
}

const floorHour = (t: bigint) => (t / HOUR_MS) * HOUR_MS;
const floorTo = (t: bigint, unit: bigint) => (t === NEVER ? NEVER : (t / unit) * unit);
const ceilTo = (t: bigint, unit: bigint) => ((t + unit - 1n) / unit) * unit;

/** Tries of sum() when expiry moves the retention marks while it reads (see sum). */
const SUM_ATTEMPTS = 2;

/**
 * A part of a window and what answers it: per-snapshot rows or a rollup; a ten-minute rollup with
 * @less is a partial ten minutes answered as the whole less the raw rows of [less[0], less[1]).
 */
export interface Piece {
  grain: 'raw' | Grain;
  from: bigint;
  to: bigint;
  less?: [bigint, bigint];
}

/**
 * [since, until) cut into the parts each source answers: whole hours from the hourly rollups, the
 * whole ten minutes beside them from the ten-minute rollups, and each edge's partial ten minutes
 * from whichever raw side is shorter: the part inside the window, or the rollup less the part
 * outside (at most five minutes of raw rows per edge). Unbounded sides (0, NEVER) need no edge.
 * Given @emptyFrom (a time from which on the store holds next to nothing: after its newest
 * snapshot, or the server's clock), an end edge reaching it is always the rollup less the part
 * after the window, which has (next to) no raw rows: a window ending at the newest data or now
 * (`--since 1h`) reads none at its end. Exact either way: the subtraction reads what is there.
 */
export function pieces(since: bigint, until: bigint, emptyFrom?: bigint): Piece[] {
  const [h0, h1] = [ceilTo(since, HOUR_MS), floorTo(until, HOUR_MS)];
  const [t0, t1] = [ceilTo(since, TEN_MINUTES_MS), floorTo(until, TEN_MINUTES_MS)];
  if (since >= until) return [];
  if (t0 > t1) return [{ grain: 'raw', from: since, to: until }]; // inside one ten minutes
  const out: Piece[] = [];
  const push = (grain: Piece['grain'], from: bigint, to: bigint) => from < to && out.push({ grain, from, to });
  if (since < t0) out.push(edge(t0 - TEN_MINUTES_MS, since, t0, 'start'));
  if (h0 < h1) {
    push('tenMinutes', t0, h0);
    push('hour', h0, h1);
    push('tenMinutes', h1, t1);
  } else push('tenMinutes', t0, t1);
  if (t1 < until) out.push(edge(t1, t1, until, 'end', emptyFrom !== undefined && until >= emptyFrom));
  return out;
}

/** The part [from, to) of the ten minutes starting at @bucket that a window's @side keeps. */
function edge(bucket: bigint, from: bigint, to: bigint, side: 'start' | 'end', future = false): Piece {
  const end = bucket + TEN_MINUTES_MS;
  if (!future && 2n * (to - from) <= TEN_MINUTES_MS) return { grain: 'raw', from, to };
  return { grain: 'tenMinutes', from: bucket, to: end, less: side === 'start' ? [bucket, from] : [to, end] };
}

/**
 * History sums, answered from the cheapest exact source: a whole run from its totals; the hosts
 * whose whole history a window covers from their all-time totals; whole hours and ten minutes
 * from the rollups (host-wide, per process, per cgroup); the rest (the last minutes at a window's
 * edges, runs, failures) from the per-interval rows. Where raw rows have
 * expired (SC_RETAIN_RAW) a window's first hour comes whole from the hourly rollups, and expired()
 * says so. 64-bit sums stay BigInt.
 */
@Injectable()
export class TallyService {
  constructor(
    private readonly counts: CountsRepository,
    private readonly rollups: RollupsRepository,
    private readonly retention: RetentionMarksRepository,
    private readonly hostTotals: HostTotalsRepository,
  ) {}

  /**
   * Sums per key over a window: numbers for syscalls and errnos, strings for the others. The pieces
   * are planned from the retention marks, then read in statements of their own: an expiry pass that
   * moves a mark in between may have removed raw rows the plan reads (it moves the mark first, then
   * deletes). So the marks are read again after the pieces: if they moved, the window is summed
   * again under the new ones (the next pass is an SC_EXPIRE_EVERY away); twice moved, the query is
   * aborted rather than answered low.
   */
  async sum(w: Window, key: Key, source: CountSource): Promise<Map<number | string, bigint>> {
    if (fromRunTotals(w, key, source)) {
      return keyed(await this.counts.fromTotals(w.runId, key as 'syscall' | 'host' | 'run', w.nr));
    }
    let marks = await this.retention.marks();
    for (let attempt = 1; ; attempt++) {
      const out = await this.sumUnder(marks, w, key, source);
      const after = await this.retention.marks();
      if (after.raw === marks.raw && after.hourly === marks.hourly) return out;
      if (attempt === SUM_ATTEMPTS) throw new AbortedError('history expired while the query read it: ask again');
      marks = after;
    }
  }

  /** The sums of sum(), planned from the retention marks @m. */
  private async sumUnder(m: RetentionMarks, w: Window, key: Key, source: CountSource) {
    const out = new Map<number | string, bigint>();
    const add = (rows: KeyedCount[]) => addKeyed(out, rows);
    const rest = await this.wholeHosts(m, w, key, source, add);
    if (!rest) {
      dropZeros(out);
      return out;
    }
    w = rest;
    // Whole hours inside the window come from the hourly rollups and whole ten minutes at its edges
    // from the ten-minute ones, when the rollups can answer: under ten minutes of raw rows per edge.
    if (w.runId || !RollupsRepository.answers(source, key)) {
      add(await this.counts.fromRows(w, key, source, w.since, w.until));
      dropZeros(out);
      return out;
    }
    const [since, until] = rollupRange(m, w);
    for (const p of pieces(since, until, await this.emptyFrom(until))) {
      if (p.grain === 'raw') {
        add(await this.counts.fromRows(w, key, source, p.from, p.to));
        continue;
      }
      const rollup =
        source === 'deltas'
          ? this.counts.rollupQuery(p.grain, p.from, p.to, w.hostIds, key as 'syscall' | 'host', w.nr)
          : this.rollups.breakdownRollupQuery(w, key, source, p.grain, p.from, p.to);
      add(await this.counts.fromRollupLess(rollup, w, key, source, p.less));
    }
    // A rollup less its raw side leaves 0 for a key seen only in that side: the raw rows (never
    // 0) would not name it at all.
    dropZeros(out);
    return out;
  }

  /** The server's clock (unix ms); specs move it. */
  now(): bigint {
    return BigInt(Date.now());
  }

  /**
   * For a window ending at @until off the ten minutes: a time from which on nothing is stored
   * yet but snapshots of clocks running ahead: just after the newest snapshot, or now.
   */
  private async emptyFrom(until: bigint): Promise<bigint | undefined> {
    if (until === NEVER || until % TEN_MINUTES_MS === 0n) return undefined;
    const latest = await this.rollups.newestSnapshot();
    return min(latest + 1n, this.now());
  }

  /**
   * Adds (@add) the all-time totals of the hosts whose whole history the window covers (host-wide
   * counts by syscall or host, not per run); the window over the other hosts, left to answer
   * (undefined: none left). Raw rows from until on must all be kept, or the store cannot tell
   * whether a host has deltas after the window.
   */
  private async wholeHosts(
    m: RetentionMarks,
    w: Window,
    key: Key,
    source: CountSource,
    add: (rows: KeyedCount[]) => void,
  ) {
    if (source !== 'deltas' || w.runId || (key !== 'syscall' && key !== 'host')) return w;
    if (w.until < m.raw) return w;
    const { partial, whole, rows } = await this.hostTotals.whole(w, key, m.raw);
    if (!whole) return w; // as asked (a fleet-wide scope keeps its plans)
    add(rows);
    return partial.length ? { ...w, hostIds: partial } : undefined;
  }

  /**
   * Whether an answer reaches into expired time, and how it was answered there (undefined when
   * it does not): from the hourly rollups, or a lower bound where only raw rows could answer
   * (@key undefined: an answer read from raw rows only, such as series buckets).
   */
  async expired(w: Window, key: Key | undefined, source: Source): Promise<ExpiredHistory | undefined> {
    if (key !== undefined && source !== 'latency' && fromRunTotals(w, key, source)) return undefined;
    const m = await this.retention.marks();
    if (m.raw === 0n || w.since >= m.raw) return undefined;
    const hourly = key !== undefined && !w.runId && RollupsRepository.answers(source, key) && w.since >= m.hourly;
    return { rawKeptFromUnixMs: String(m.raw), lowerBound: !hourly };
  }

  /**
   * The time a scope's data covers, and its arch (see CountsRepository.span). Given the grouping,
   * a window answered partly from rollups over expired time covers those hours too.
   */
  async span(scope: Scope | undefined, source: Source = 'deltas', key?: Key): Promise<Span> {
    const w = windowOf(scope);
    const row = await this.counts.span(w, source);
    const span = { first: row?.first ?? 0n, last: row?.last ?? 0n, arch: row?.arches === 1n ? String(row.arch) : '' };
    if (key === undefined || w.runId || !RollupsRepository.answers(source, key)) return span;
    const m = await this.retention.marks();
    if (m.raw === 0n || w.since >= m.raw) return span;
    const h = await this.rollups.hours(source, floorHour(w.since), m.raw, w.hostIds);
    if (h.first === null || h.last === null) return span;
    return {
      ...span,
      first: span.last === 0n || h.first < span.first ? h.first : span.first,
      last: span.last > 0n ? span.last : min(h.last + HOUR_MS, w.until),
    };
  }
}

/**
 * The range the rollups answer under the marks @m: an edge in expired raw time moves out to its
 * hour, which the hourly rollup answers whole (expired() says so), since no raw row is left to cut it.
 */
function rollupRange(m: RetentionMarks, w: Window): [bigint, bigint] {
  if (m.raw === 0n) return [w.since, w.until];
  const since = w.since > 0n && w.since < m.raw ? floorHour(w.since) : w.since;
  const until = w.until !== NEVER && w.until < m.raw ? ceilTo(w.until, HOUR_MS) : w.until;
  return [since, until];
}

/** Adds keyed rows to @out: numbers for syscalls and errnos, `key LABEL_SEP label` for labelled keys. */
function addKeyed(out: Map<number | string, bigint>, rows: KeyedCount[]): void {
  for (const r of rows) {
    const k = r.l !== null ? `${r.k}${LABEL_SEP}${r.l}` : typeof r.k === 'bigint' ? Number(r.k) : r.k;
    out.set(k, (out.get(k) ?? 0n) + r.c);
  }
}

function keyed(rows: KeyedCount[]): Map<number | string, bigint> {
  const out = new Map<number | string, bigint>();
  addKeyed(out, rows);
  return out;
}

function dropZeros(m: Map<number | string, bigint>): void {
  for (const [k, c] of m) if (c === 0n) m.delete(k);
}

/** A whole run (no window) by syscall, host or run: its cumulative totals answer, expiry or not. */
function fromRunTotals(w: Window, key: Key, source: CountSource): boolean {
  return source === 'deltas' && !!w.runId && !w.bounded && (key === 'syscall' || key === 'host' || key === 'run');
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
