import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningProcess {
  proc: ChildProcess;
  /** Settles when the process has exited and its output is closed. */
  done: Promise<ProcessResult>;
}

/** Spawns a command with its stdout and stderr collected for the result. */
export function spawnCollecting(command: string, args: string[], opts: SpawnOptions = {}): RunningProcess {
  const proc = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d) => (stdout += d));
  proc.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<ProcessResult>((resolve) =>
    proc.on('close', (status) => resolve({ status, stdout, stderr })),
  );
  return { proc, done };
}

/**
 * Resolves once @stream of @proc has printed @marker (across chunk boundaries), and rejects
 * if the process exits first, with what it printed: readiness is a log line, never a sleep.
 */
export function waitForOutput(
  proc: ChildProcess,
  stream: 'stdout' | 'stderr',
  marker: string,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    proc[stream]!.on('data', (d) => {
      text += d;
      if (text.includes(marker)) resolve();
    });
    proc.on('close', (code) => reject(new Error(`${what} exited (${code}) before printing ${marker}: ${text}`)));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
