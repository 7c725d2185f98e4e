import { hostname } from 'node:os';
import { runReport } from '../../local/agent';

/** One syscall a workload made: named from the table of the ABI it was made in. */
export interface ObservedCall {
  /** 'native' for the host's own ABI, 'i386' for a 32-bit task's int 0x80/sysenter calls. */
  abi: 'native' | 'i386';
  name: string;
  count: number;
  hosts: string[];
  firstSeen: string;
  lastSeen: string;
}

/** What a scope called: the named calls, and the numbers no table names (never written to a profile). */
export interface Observation {
  /** The host's architecture as the agent names it: x86_64 or arm64. */
  arch: string;
  calls: ObservedCall[];
  unknown: ObservedCall[];
}

interface ReportRow {
  nr: number | null;
  name: string;
  count: number;
}

/** The agent's JSON report (-o json): native rows, and the 32-bit ones under compat. */
export interface AgentReport {
  arch: string;
  syscalls: ReportRow[];
  compat?: { syscalls: ReportRow[] };
}

/** A row the table could not name: "other" (nr null) or "syscall_N" (a number with no name). */
function unnamed(row: ReportRow): boolean {
  return row.nr === null || row.nr < 0 || row.name.startsWith('syscall_') || row.name === 'other';
}

/** Splits an agent report into named and unknown calls, all seen on @host between @first and @last. */
export function fromReport(doc: AgentReport, host: string, first: string, last: string): Observation {
  const obs: Observation = { arch: doc.arch, calls: [], unknown: [] };
  const add = (abi: ObservedCall['abi'], rows: ReportRow[]) => {
    for (const r of rows) {
      if (!r.count) continue;
      const call = { abi, name: r.name, count: r.count, hosts: [host], firstSeen: first, lastSeen: last };
      (unnamed(r) ? obs.unknown : obs.calls).push(call);
    }
  };
  add('native', doc.syscalls);
  add('i386', doc.compat?.syscalls ?? []);
  return obs;
}

/**
 * Runs @command under the agent (its children included; the agent starts counting before the
 * command's execve, so the dynamic loader's calls are in) and returns what it called.
 */
export async function observeCommand(command: string[]): Promise<Observation> {
  const first = new Date().toISOString();
  const out = await runReport(['-o', 'json', '--', ...command]);
  const last = new Date().toISOString();
  // The command shares the agent's stdout; the agent's report is the line it prints last, after the
  // command exited. What the command printed goes to stderr, never into a profile.
  const lines = out.trimEnd().split('\n');
  const report = lines.pop() ?? '';
  if (lines.length) process.stderr.write(lines.join('\n') + '\n');
  return fromReport(JSON.parse(report) as AgentReport, hostname(), first, last);
}

/** One stderr line per unknown number: left out of every profile, since no runtime could resolve it. */
export function reportUnknown(obs: Observation): void {
  for (const u of obs.unknown) {
    const table = u.abi === 'i386' ? 'i386' : obs.arch;
    process.stderr.write(
      `syscall-counter: ${u.name} (${u.count} calls) is not in the ${table} syscall table: left out of the profile\n`,
    );
  }
}
