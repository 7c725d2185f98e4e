import { nameOf } from './fleet-metrics';
import { HOSTS_PER_READ, MetricsRepository } from './metrics.repository';
import { escapeValue } from './table-metric';

interface Rendered {
  /** What the host's counts were rendered at: its arch and the sum of its counts. */
  version: string;
  /** The host's syscall_counter_syscalls_total sample lines, each ending in a newline, encoded once. */
  text: Buffer;
}

/**
 * syscall_counter_syscalls_total, the one family of host x syscall (60,000 series for 1,000 hosts),
 * rendered per host and kept between scrapes. Each scrape first reads every host's version from
 * the store: the sum of its counts (and its arch, which names its syscalls). A host's counts only
 * grow (ingest adds non-negative deltas, retention keeps the totals), so the sum changes exactly
 * when one of them does; only those hosts are read again and rendered. The version is read from
 * the store itself, whoever wrote it: a replica serves, per host, counts at least as new as the
 * store held when its scrape began, never another replica's stale ones, with no hook in ingest.
 * The version is read before the counts, so a commit between the two leaves a newer text under an
 * older version, which the next scrape reads again: a cached text is never older than its version.
 */
export class SyscallLinesCache {
  private readonly hosts = new Map<string, Rendered>();

  constructor(private readonly repo: MetricsRepository) {}

  /** Every host's sample lines, one block per host, in host order. */
  async blocks(): Promise<Buffer[]> {
    const versions = await this.repo.hostVersions();
    const stale: string[] = [];
    const current = new Map<string, string>();
    for (const v of versions) {
      if (v.total === null) continue; // a host with no counts yet
      const version = `${v.arch}\0${v.total}`;
      current.set(v.host_id, version);
      if (this.hosts.get(v.host_id)?.version !== version) stale.push(v.host_id);
    }
    for (const host of this.hosts.keys()) if (!current.has(host)) this.hosts.delete(host);
    for (let i = 0; i < stale.length; i += HOSTS_PER_READ) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const chunk = stale.slice(i, i + HOSTS_PER_READ);
      const read = new Map((await this.repo.hostCounts(chunk)).map((r) => [r.host_id, r]));
      for (const host of chunk) {
        const r = read.get(host);
        this.hosts.set(host, {
          version: current.get(host)!,
          text: Buffer.from(r?.counts ? render(host, r.arch, r.counts) : ''),
        });
      }
    }
    const out: Buffer[] = [];
    for (const v of versions) {
      const text = this.hosts.get(v.host_id)?.text;
      if (text?.length) out.push(text);
    }
    return out;
  }
}

/** A host's lines from its "nr count,nr count,..." (the store's aggregate, in nr order). */
export function render(host: string, arch: string, counts: string): string {
  const prefix = `syscall_counter_syscalls_total{host="${escapeValue(host)}",syscall="`;
  let out = '';
  for (const pair of counts.split(',')) {
    const space = pair.indexOf(' ');
    out += `${prefix}${nameOf(arch, Number(pair.slice(0, space)))}"} ${pair.slice(space + 1)}\n`;
  }
  return out;
}
