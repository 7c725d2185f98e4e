import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlPlane } from './control-plane';
import { freePort } from './ports';
import { sleep } from './processes';

/** The environment that gives a test control plane its own /metrics port (0: the kernel picks one). */
export const METRICS_ON_FREE_PORT = { SC_METRICS_LISTEN: '127.0.0.1:0' };

/** The /metrics address a control plane logged ('metrics listening'), waiting for the line. */
export async function metricsAddress(cp: ControlPlane): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = /"msg":"metrics listening","address":"([^"]+)"/.exec(cp.log);
    if (m) return m[1];
    await sleep(50);
  }
  throw new Error(`the control plane logged no metrics address: ${cp.log}`);
}

export interface Scrape {
  status: number;
  contentType: string;
  body: string;
}

/** GET http://@address/metrics with the given headers. */
export async function scrape(address: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await fetch(`http://${address}/metrics`, { headers });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** The value of the sample `name{labels}` in an exposition (labels in their printed order), or undefined. */
export function sampleValue(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** One series of an instant query's result: its labels and [time, value]. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus (Debian's binary) on loopback, scraping @targets' /metrics every second. */
export class Prometheus {
  proc?: ChildProcess;
  log = '';
  address = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'sc-prom-'));

  async start(targets: string[]): Promise<void> {
    const config = join(this.dir, 'prometheus.yml');
    writeFileSync(
      config,
      'global: { scrape_interval: 1s, evaluation_interval: 1s }\n' +
        `scrape_configs: [{ job_name: sc, static_configs: [{ targets: ${JSON.stringify(targets)} }] }]\n`,
    );
    this.address = `127.0.0.1:${await freePort()}`;
    const proc = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(this.dir, 'tsdb')}`,
        `--web.listen-address=${this.address}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    proc.stdout!.on('data', (d) => (this.log += d));
    proc.stderr!.on('data', (d) => (this.log += d));
    const exited = new Promise<never>((_, reject) =>
      proc.once('close', (c) => reject(new Error(`prometheus exited (${c}): ${this.log}`))),
    );
    for (;;) {
      const ready = await Promise.race([
        fetch(`http://${this.address}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
        exited,
      ]);
      if (ready) return;
      await sleep(200);
    }
  }

  /** An instant PromQL query's result vector through the HTTP API. */
  async query(promql: string): Promise<PromSample[]> {
    const res = await fetch(`http://${this.address}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data: { result: PromSample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`PromQL ${promql}: ${body.error}`);
    return body.data.result;
  }

  /** Polls @promql until @accept holds for its result, or throws after @timeoutMs with the last result. */
  async waitFor(promql: string, accept: (r: PromSample[]) => boolean, timeoutMs = 30000): Promise<PromSample[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.query(promql);
      if (accept(r)) return r;
      if (Date.now() > until) throw new Error(`PromQL ${promql} never matched: ${JSON.stringify(r)}`);
      await sleep(500);
    }
  }

  async close(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      const closed = new Promise((r) => p.once('close', r));
      p.kill('SIGTERM');
      await closed;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
