export type Labels = Record<string, string | number>;
export interface Sample {
  labels: Labels;
  value: number;
  /** For a histogram's lines: name_bucket, name_sum, name_count. */
  metricName?: string;
}

/**
 * A metric whose samples are read from the store at each scrape: what the store holds is already
 * cumulative, so there is nothing to count in memory. These are the big families (one series per
 * host and syscall: 60,000 for 1,000 hosts), so they are formatted here, straight to text, rather
 * than through prom-client's per-sample formatting (which took ~20 us a sample: 1.2 s a scrape).
 * prom-client still formats the control plane's own metrics; both exposition formats are served.
 */
export interface TableMetric {
  /** Counters end in _total, as their samples are named in both formats. */
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  read: () => Promise<Sample[]> | Sample[];
  /**
   * Instead of read, for the biggest family: its sample lines already encoded, in blocks that each
   * end in a newline (one per host, kept between scrapes: see syscall-lines-cache.ts). The lines are
   * the same in both formats.
   */
  blocks?: () => Promise<Buffer[]>;
}

/** A family whose samples were read (the store's reads are async): what renderTable formats. */
export type ReadTable = Omit<TableMetric, 'read' | 'blocks'> & { read: () => Sample[] };

/** A family's exposition in either format, read from the store once: its text, in pieces. */
export async function renderFamily(m: TableMetric, openMetrics: boolean): Promise<Buffer[]> {
  if (m.blocks) return [Buffer.from(header(m, openMetrics)), ...(await m.blocks())];
  const samples = await m.read();
  return [Buffer.from(renderTable({ name: m.name, help: m.help, type: m.type, read: () => samples }, openMetrics))];
}

export function escapeValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : v;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** A family's HELP and TYPE lines: OpenMetrics names a counter's family without its _total suffix. */
function header(m: Omit<TableMetric, 'read'>, openMetrics: boolean): string {
  const family = openMetrics && m.type === 'counter' ? m.name.replace(/_total$/, '') : m.name;
  const help = m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `# HELP ${family} ${help}\n# TYPE ${family} ${m.type}\n`;
}

/**
 * One family in the Prometheus text format (0.0.4) or OpenMetrics 1.0: the same sample lines,
 * but OpenMetrics names a counter's family without its _total suffix.
 */
export function renderTable(m: ReadTable, openMetrics: boolean): string {
  const lines = [header(m, openMetrics).slice(0, -1)];
  for (const s of m.read()) {
    let labels = '';
    for (const k in s.labels) labels += `${labels ? ',' : ''}${k}="${escapeValue(String(s.labels[k]))}"`;
    lines.push(`${s.metricName ?? m.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
  }
  return lines.join('\n') + '\n';
}
