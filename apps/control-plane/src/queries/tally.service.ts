import { Injectable } from '@nestjs/common';
import type { Scope } from '@syscall-counter/proto';
import { HOUR_MS } from '../database/hourly-rollups';
import { CountsRepository, KeyedCount } from './data/counts.repository';
import { CountSource, Key, NEVER, Source, Window, windowOf } from './scope-window';

/** Separates a key from its label in the keys of labelled groupings (process, container). */
export const LABEL_SEP = '\u0000';

export interface Span {
  first: bigint;
  last: bigint;
  /** The arch of the scope's runs; '' when arches mix. */
  arch: string;
}

/**
 * History sums, answered from the cheapest exact source: a whole run from its totals; whole
 * hours from the hourly rollups; the rest (partial hours, detail rows) from the per-interval rows.
 * 64-bit sums stay BigInt.
 */
@Injectable()
export class TallyService {
  constructor(private readonly counts: CountsRepository) {}

  /** Sums per key over a window: numbers for syscalls and errnos, strings for the others. */
  async sum(w: Window, key: Key, source: CountSource): Promise<Map<number | string, bigint>> {
    const out = new Map<number | string, bigint>();
    const add = (rows: KeyedCount[]) => {
      for (const r of rows) {
        const k = r.l !== null ? `${r.k}${LABEL_SEP}${r.l}` : typeof r.k === 'bigint' ? Number(r.k) : r.k;
        out.set(k, (out.get(k) ?? 0n) + r.c);
      }
    };
    // Breakdowns and failures have no rollups: their rows are already bounded per snapshot.
    if (source !== 'deltas' || (key !== 'syscall' && key !== 'host' && key !== 'run')) {
      add(await this.counts.fromRows(w, key, source, w.since, w.until));
      return out;
    }
    if (w.runId && !w.bounded) {
      add(await this.counts.fromTotals(w.runId, key, w.nr));
      return out;
    }
    // Whole hours inside the window come from the rollups, when the rollups can answer.
    const h0 = ((w.since + HOUR_MS - 1n) / HOUR_MS) * HOUR_MS;
    const h1 = w.until === NEVER ? NEVER : (w.until / HOUR_MS) * HOUR_MS;
    if (w.runId || key === 'run' || h0 >= h1) {
      add(await this.counts.fromRows(w, key, source, w.since, w.until));
      return out;
    }
    add(await this.counts.fromHourly(h0, h1, w.hostIds, key, w.nr));
    if (w.since < h0) add(await this.counts.fromRows(w, key, source, w.since, h0));
    if (h1 < w.until) add(await this.counts.fromRows(w, key, source, h1, w.until));
    return out;
  }

  /** The time a scope's data covers, and its arch (see CountsRepository.span). */
  async span(scope: Scope | undefined, source: Source = 'deltas'): Promise<Span> {
    const row = await this.counts.span(windowOf(scope), source);
    return { first: row?.first ?? 0n, last: row?.last ?? 0n, arch: row?.arches === 1n ? String(row.arch) : '' };
  }
}
