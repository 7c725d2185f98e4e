import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, ErrorKind } from '../errors';
import { Breakdown } from '../options/scope';

/** The agent's exit status for a bad command line (like the CLI's own usage errors). */
const EX_USAGE = 2;

/** The agent binary: $SYSCALL_COUNTER_AGENT, else the one built in this checkout. */
function agentPath(): string {
  const path = process.env.SYSCALL_COUNTER_AGENT ?? resolve(__dirname, '../../../../agent/syscall-counter-agent');
  if (!existsSync(path)) {
    throw new CliError(`the agent binary is missing at ${path}: build it with 'npm run bootstrap'`);
  }
  return path;
}

/** The last of the agent's own error lines ("syscall-counter-agent: ..."), which says what went wrong. */
function agentError(stderr: string, code: number | null, kind: ErrorKind = 'failure'): CliError {
  const lines = stderr.split('\n').filter((l) => l.startsWith('syscall-counter-agent:'));
  return new CliError(lines.pop() ?? `the agent exited with status ${code}`, kind);
}

export interface StreamingAgent {
  /** Resolves once the agent has exited after its final snapshot was acked. */
  done: Promise<void>;
  /** SIGTERM: the agent sends a final snapshot, waits for its ack, exits. */
  stop(): void;
}

export interface StreamingArgs {
  server: string;
  tokenFile: string;
  runId: string;
  /** Stop after this long; without it, run until stop(). */
  seconds?: number;
  breakdown?: Breakdown;
  errors?: boolean;
}

/** Starts the agent streaming to a control plane every second, for @seconds or until stop(). */
export function startStreaming(args: StreamingArgs): StreamingAgent {
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
  // Its own process group: Ctrl-C reaches the CLI, which stops the agent with SIGTERM (a final
  // snapshot, acked) and still shows what was collected.
  const proc = spawn(agentPath(), argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  // SIGTERM before the agent has blocked signals would kill it without a final snapshot: a stop
  // asked for earlier waits for its "Tracing syscalls" line.
  let ready = false;
  let stopAsked = false;
  const done = new Promise<void>((resolvePromise, reject) => {
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
      if (!ready && err.includes('Tracing syscalls')) {
        ready = true;
        if (stopAsked) proc.kill('SIGTERM');
      }
    });
    proc.on('error', (e) => reject(new CliError(`cannot start the agent: ${e.message}`)));
    proc.on('close', (code) => (code === 0 ? resolvePromise() : reject(agentError(err, code))));
  });
  const stop = () => {
    stopAsked = true;
    if (ready) proc.kill('SIGTERM');
  };
  return { done, stop };
}

/**
 * Runs the agent once (for -d seconds, or until the command after -- exits) and returns its report.
 * The report comes on a pipe of its own (fd 3, the agent's --out): the command's stdout goes to our
 * stderr, so it shows on the terminal but never mixes with the report. Ctrl-C stops the agent, which
 * still reports what it collected (like strace -c). With a command the agent exits with the
 * command's status: a report is still the result.
 */
export function runReport(argv: string[]): Promise<string> {
  const proc = spawn(agentPath(), ['--out', '/dev/fd/3', ...argv], { stdio: ['ignore', 2, 'pipe', 'pipe'] });
  const report = proc.stdio[3] as NodeJS.ReadableStream;
  // The terminal sends SIGINT to the agent too; a signal sent to us alone is passed on.
  const onSigint = () => proc.kill('SIGINT');
  process.on('SIGINT', onSigint);
  return new Promise<string>((resolvePromise, reject) => {
    let out = '';
    let err = '';
    report.on('data', (d) => (out += d));
    proc.stderr?.on('data', (d) => (err += d));
    proc.on('error', (e) => reject(new CliError(`cannot start the agent: ${e.message}`)));
    proc.on('close', (code) => {
      process.off('SIGINT', onSigint);
      const failed = err.split('\n').some((l) => l.startsWith('syscall-counter-agent:'));
      if (code === 0 || (out && !failed)) {
        if (code !== 0) process.stderr.write(`syscall-counter: the command exited with status ${code}\n`);
        return resolvePromise(out);
      }
      // The filters are the user's: the agent refusing them is a usage error of ours.
      reject(agentError(err, code, code === EX_USAGE ? 'usage' : 'failure'));
    });
  });
}
