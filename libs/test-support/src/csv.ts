/** One row of the agent's `-o csv` report. */
export interface CsvRow {
  nr: string;
  name: string;
  count: number;
}

/** The agent's `-o csv` report (header syscall_nr,name,count), checking the header. */
export function parseCsv(text: string): CsvRow[] {
  const [header, ...lines] = text.trim().split('\n');
  expect(header).toBe('syscall_nr,name,count');
  return lines.map((l) => {
    const [nr, name, count] = l.split(',');
    return { nr, name, count: Number(count) };
  });
}

/** The count of the syscall @name in a parsed report, 0 when it is absent. */
export function countOf(rows: CsvRow[], name: string): number {
  return rows.find((r) => r.name === name)?.count ?? 0;
}

/** Any CSV output as rows of cells, its header line dropped. */
export function csvRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
}

/** The getppid (110) count of the agent's own CSV report, exact as a bigint. */
export function getppidCount(csv: string): bigint {
  const row = csv.split('\n').find((l) => l.startsWith('110,getppid,'));
  return row ? BigInt(row.split(',')[2]) : 0n;
}
