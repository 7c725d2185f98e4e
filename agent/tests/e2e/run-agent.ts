import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const AGENT = join(__dirname, '../../syscall-counter-agent');
export const WORKLOAD = join(__dirname, '../../.output/workload');

export interface CsvRow {
  nr: string;
  name: string;
  count: number;
}

export interface AgentResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runAgent(args: string[]): AgentResult {
  const r = spawnSync(AGENT, args, { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function parseCsv(text: string): CsvRow[] {
  const [header, ...lines] = text.trim().split('\n');
  expect(header).toBe('syscall_nr,name,count');
  return lines.map((l) => {
    const [nr, name, count] = l.split(',');
    return { nr, name, count: Number(count) };
  });
}

export function countOf(rows: CsvRow[], name: string): number {
  return rows.find((r) => r.name === name)?.count ?? 0;
}

/** Starts the agent in the background and resolves once its program is attached. */
export function startAgent(args: string[]): Promise<{ proc: ChildProcess; done: Promise<AgentResult> }> {
  const proc = spawn(AGENT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  const done = new Promise<AgentResult>((resolve) => proc.on('close', (status) => resolve({ status, stdout, stderr })));
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d) => {
      stderr += d;
      if (stderr.includes('Tracing syscalls')) resolve({ proc, done });
    });
    proc.on('close', () => reject(new Error(`agent exited before attaching: ${stderr}`)));
  });
}
