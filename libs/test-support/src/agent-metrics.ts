import { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { spawnAgent } from './agent';
import { RunningProcess } from './processes';

/**
 * What the agent prints on stderr once --metrics-addr listens (its programs attached by then):
 * its address, with the kernel's port for :0.
 */
const METRICS_AT = /metrics at http:\/\/(\S+)\/metrics/;

/** An agent serving --metrics-addr, started and listening, with its HOST:PORT. */
export interface ExporterAgent extends RunningProcess {
  address: string;
}

/**
 * Starts `syscall-counter-agent --metrics-addr 127.0.0.1:0 @args` and resolves once it is
 * counting and listening, with the address it logged (a later --metrics-addr in @args wins).
 */
export async function startExporterAgent(args: string[]): Promise<ExporterAgent> {
  const agent = spawnAgent(['--metrics-addr', '127.0.0.1:0', ...args]);
  const address = await addressOf(agent.proc);
  return { ...agent, address };
}

function addressOf(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    proc.stderr!.on('data', (d) => {
      text += d;
      const m = METRICS_AT.exec(text);
      if (m) resolve(m[1]);
    });
    proc.on('close', (code) => reject(new Error(`the agent exited (${code}) before serving metrics: ${text}`)));
  });
}

/** Sends @request as is on a fresh connection to @address and resolves with all it got back. */
export function rawHttp(address: string, request: string): Promise<string> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(Number(address.slice(colon + 1)), host, () => socket.write(request));
    socket.on('data', (d) => (got += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(got));
  });
}
