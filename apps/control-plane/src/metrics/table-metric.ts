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
  /** Instead of read, for the biggest family: its sample lines, formatted by the reader. */
  lines?: () => Promise<string[]> | string[];
}

/** A family whose samples were read (the store's reads are async): what renderTable formats. */
export interface ReadTable extends Omit<TableMetric, 'read' | 'lines'> {
  read: () => Sample[];
  lines?: () => string[];
}

/** Reads a family's samples (or lines) from the store once, for renderTable. */
export async function readTable(m: TableMetric): Promise<ReadTable> {
  if (m.lines) {
    const lines = await m.lines();
    return { name: m.name, help: m.help, type: m.type, read: () => [], lines: () => lines };
  }
  const samples = await m.read();
  return { name: m.name, help: m.help, type: m.type, read: () => samples };
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

/**
 * One family in the Prometheus text format (0.0.4) or OpenMetrics 1.0: the same sample lines,
 * but OpenMetrics names a counter's family without its _total suffix.
 */
export function renderTable(m: ReadTable, openMetrics: boolean): string {
  const family = openMetrics && m.type === 'counter' ? m.name.replace(/_total$/, '') : m.name;
  const help = m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  const lines = [`# HELP ${family} ${help}`, `# TYPE ${family} ${m.type}`];
  if (m.lines) return [...lines, ...m.lines()].join('\n') + '\n';
  for (const s of m.read()) {
    let labels = '';
    for (const k in s.labels) labels += `${labels ? ',' : ''}${k}="${escapeValue(String(s.labels[k]))}"`;
    lines.push(`${s.metricName ?? m.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
  }
  return lines.join('\n') + '\n';
}
