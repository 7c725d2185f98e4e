import { credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { DiffRequest, DiffResponse, QueryServiceClient, Scope, TopRequest } from '@syscall-counter/proto';
import { createServer } from 'node:net';
import { IngestService } from '../collection/ingest.service';
import { grpcOptions } from '../grpc-options';
import { hello, InMemoryAppModule, snapshot, streamRun, TOKEN } from '../testing/in-memory-app';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The QueryService on loopback (real gRPC, the server's loader options, the exception filter), in-memory store. */
describe('QueryService over gRPC, in process', () => {
  let app: INestMicroservice;
  let client: QueryServiceClient;
  const md = (token = TOKEN) => {
    const m = new Metadata();
    m.set('authorization', `Bearer ${token}`);
    return m;
  };
  const call = <Req, Res>(method: 'diff' | 'top', req: Req, token?: string) =>
    new Promise<Res>((resolve, reject) =>
      (client[method] as unknown as (r: Req, m: Metadata, cb: (e: ServiceError | null, r: Res) => void) => void).call(
        client,
        req,
        md(token),
        (e, r) => (e ? reject(e) : resolve(r)),
      ),
    );
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: ServiceError) => ({ code: e.code, details: e.details }),
    );

  beforeAll(async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const config = { listen, dbPath: ':memory:', token: TOKEN, maxMessageBytes: 1 << 20, logJson: true };
    app = await NestFactory.createMicroservice<MicroserviceOptions>(InMemoryAppModule, {
      ...grpcOptions(config),
      logger: false,
    });
    await app.listen();
    await streamRun(app.get(IngestService), hello(), [
      snapshot('r1', 1, 10_000, [[39, 5]]),
      snapshot('r1', 2, 20_000, [
        [39, 9],
        [110, 2],
      ]),
    ]);
    client = new QueryServiceClient(listen, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await app.close();
  });

  it('a Diff without `by` answers per syscall', async () => {
    const resp = await call<DiffRequest, DiffResponse>(
      'diff',
      DiffRequest.fromPartial({ a: { runId: 'r1', untilUnixMs: String(1_800_000_015_000) }, b: { runId: 'r1' } }),
    );
    expect(resp.rows.map((r) => [r.nr, r.countA, r.countB])).toEqual([
      [39, '5', '9'],
      [110, '0', '2'],
    ]);
  });

  it('domain errors leave with their status and message; a wrong token is UNAUTHENTICATED', async () => {
    const top = (scope: Partial<Scope>, token?: string) =>
      failure(call('top', TopRequest.fromPartial({ scope: Scope.fromPartial(scope) }), token));
    expect(await top({ hostId: 'nope' })).toEqual({ code: status.NOT_FOUND, details: "unknown host 'nope'" });
    expect(await top({ pid: 1, container: 'x' })).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(await top({}, 'wrong-token-0123456789')).toEqual({
      code: status.UNAUTHENTICATED,
      details: 'wrong token: present "authorization: Bearer <token>"',
    });
  });
});
