import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './errors';

/** The agent binary: $SYSCALL_COUNTER_AGENT, else the one built in this checkout. */
export function agentPath(): string {
  const path = process.env.SYSCALL_COUNTER_AGENT ?? resolve(__dirname, '../../../agent/syscall-counter-agent');
  if (!existsSync(path)) {
    throw new CliError(`the agent binary is missing at ${path}: build it with 'npm run bootstrap'`);
  }
  return path;
}

export interface StreamingAgent {
  /** Resolves once the agent has exited after its final snapshot was acked. */
  done: Promise<void>;
  /** SIGTERM: the agent sends a final snapshot, waits for its ack, exits. */
  stop(): void;
}

/** Starts the agent streaming to a control plane every second, for @seconds or until stop(). */
export function startStreaming(args: {
  server: string;
  tokenFile: string;
  runId: string;
  seconds?: number;
  breakdown?: 'process' | 'container';
  errors?: boolean;
}): StreamingAgent {
  const argv = [
    '--server',
    args.server,
    '--token-file',
    args.tokenFile,
    '--run-id',
    args.runId,
    '-i',
    '1',
    '-o',
    'csv',
  ];
  if (args.breakdown === 'process') argv.push('-P');
  if (args.breakdown === 'container') argv.push('-C');
  if (args.errors) argv.push('--errors');
  if (args.seconds) argv.push('-d', String(args.seconds));
  const proc = spawn(agentPath(), argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  const done = new Promise<void>((resolvePromise, reject) => {
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    proc.on('error', (e) => reject(new CliError(`cannot start the agent: ${e.message}`)));
    proc.on('close', (code) => {
      if (code === 0) return resolvePromise();
      const lines = err.split('\n').filter((l) => l.startsWith('syscall-counter-agent:'));
      reject(new CliError(lines.pop() ?? `the agent exited with status ${code}`));
    });
  });
  return { done, stop: () => proc.kill('SIGTERM') };
}

/** Runs the agent streaming to a control plane for @seconds; resolves once its final snapshot is acked. */
export function streamLocally(args: {
  server: string;
  tokenFile: string;
  runId: string;
  seconds: number;
}): Promise<void> {
  return startStreaming(args).done;
}

/**
 * Runs the agent once (for -d seconds, or until the command after -- exits) and returns its report.
 * With a command the agent exits with the command's status: a report on stdout is still the result.
 */
export function runReport(argv: string[]): Promise<string> {
  const proc = spawn(agentPath(), argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<string>((resolvePromise, reject) => {
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('error', (e) => reject(new CliError(`cannot start the agent: ${e.message}`)));
    proc.on('close', (code) => {
      const lines = err.split('\n').filter((l) => l.startsWith('syscall-counter-agent:'));
      if (code === 0 || (out && !lines.length)) {
        if (code !== 0) process.stderr.write(`syscall-counter: the command exited with status ${code}\n`);
        return resolvePromise(out);
      }
      reject(new CliError(lines.pop() ?? `the agent exited with status ${code}`, code === 64 ? 2 : 1));
    });
  });
}
