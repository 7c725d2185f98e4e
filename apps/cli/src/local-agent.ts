import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './errors';
import { TopRow } from './render/top-table';

/** The agent binary: $SYSCALL_COUNTER_AGENT, else the one built in this checkout. */
export function agentPath(): string {
  const path = process.env.SYSCALL_COUNTER_AGENT ?? resolve(__dirname, '../../../agent/syscall-counter-agent');
  if (!existsSync(path)) {
    throw new CliError(`the agent binary is missing at ${path}: build it with 'npm run bootstrap'`);
  }
  return path;
}

export interface AgentReport {
  arch: string;
  seconds: number;
  rows: TopRow[];
}

interface AgentJson {
  arch: string;
  seconds: number;
  syscalls: Array<{ nr: number | null; name: string; count: number }>;
}

/** Runs the agent streaming to a control plane for @seconds; resolves once its final snapshot is acked. */
export function streamLocally(args: { server: string; tokenFile: string; runId: string; seconds: number }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(
      agentPath(),
      ['--server', args.server, '--token-file', args.tokenFile, '--run-id', args.runId, '-i', '1', '-d', String(args.seconds), '-o', 'csv'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    proc.on('error', (e) => reject(new CliError(`cannot start the agent: ${e.message}`)));
    proc.on('close', (code) => {
      if (code === 0) return resolvePromise();
      const lines = err.split('\n').filter((l) => l.startsWith('syscall-counter-agent:'));
      reject(new CliError(lines.pop() ?? `the agent exited with status ${code}`));
    });
  });
}

/** Runs the agent standalone for @seconds and returns its counts. */
export function collectLocally(seconds: number, extraArgs: string[] = []): Promise<AgentReport> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(agentPath(), ['-d', String(seconds), '-o', 'json', ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('error', (e) => reject(new CliError(`cannot start the agent: ${e.message}`)));
    proc.on('close', (code) => {
      if (code !== 0) {
        const why = err.split('\n').find((l) => l.startsWith('syscall-counter-agent:')) ?? err.trim();
        reject(new CliError(why || `the agent exited with status ${code}`));
        return;
      }
      // The agent prints counts as JSON integers; parse them as text to keep all 64 bits.
      const doc = JSON.parse(out.replace(/"count":(\d+)/g, '"count":"$1"')) as AgentJson;
      resolvePromise({
        arch: doc.arch,
        seconds: doc.seconds,
        rows: doc.syscalls.map((s) => ({ nr: s.nr, name: s.name, count: BigInt(s.count) })),
      });
    });
  });
}
