import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { MetricsConfig } from './metrics-config';
import { MetricsService } from './metrics.service';

/** The bearer token check, in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * GET /metrics over plain HTTP on SC_METRICS_LISTEN, beside the gRPC server. A port already in
 * use is logged and skipped rather than fatal: ingest must not stop for want of a scrape port.
 */
@Injectable()
export class MetricsHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: ConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const cfg = this.config.getOrThrow<MetricsConfig>('metrics');
    if (!cfg.listen) return;
    const i = cfg.listen.lastIndexOf(':');
    const host = cfg.listen.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(cfg.listen.slice(i + 1));
    const server = createServer((req, res) => void this.handle(req, res, cfg.token));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
    } catch (e) {
      this.logger.warn({ msg: 'metrics not served', address: cfg.listen, error: (e as Error).message });
      return;
    }
    this.server = server;
    const { port: bound } = server.address() as AddressInfo;
    // A line tests and operators read: the address actually bound (port 0 picks a free one).
    this.logger.log({ msg: 'metrics listening', address: `${host}:${bound}`, auth: Boolean(cfg.token) });
  }

  async onApplicationShutdown(): Promise<void> {
    const s = this.server;
    if (s) await new Promise((r) => s.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, token: string | undefined): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return reply(res, 404, 'not found: metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed: use GET\n');
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return reply(res, 401, 'unauthorized: present the metrics bearer token\n');
    }
    try {
      const { contentType, body } = await this.metrics.render(req.headers.accept);
      res.writeHead(200, { 'Content-Type': contentType });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      this.logger.error({ msg: 'scrape failed', error: (e as Error).message });
      reply(res, 500, 'metrics unavailable\n');
    }
  }
}

function reply(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
