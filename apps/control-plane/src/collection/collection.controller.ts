import { ServerDuplexStream, status } from '@grpc/grpc-js';
import { Controller, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GrpcStreamCall } from '@nestjs/microservices';
import type { CollectRequest, CollectResponse } from '@syscall-counter/proto';
import { Credential } from '../auth/credentials';
import { checkPeerCertificate } from '../auth/peer-identity';
import { StreamSlots } from '../auth/stream-slots';
import { TokenAuthService } from '../auth/token-auth.service';
import { DeadlineExceededError, FailedPreconditionError, InvalidArgumentError } from '../common/domain-errors';
import { toGrpcStatus } from '../common/grpc-status';
import { rejectMalformed } from '../common/malformed-requests';
import { MetricsService } from '../metrics/metrics.service';
import { IngestService, OpenedRun } from './ingest.service';
import { checkSnapshotTime } from './snapshot-validation';

type CollectCall = ServerDuplexStream<CollectRequest, CollectResponse>;

@Controller()
export class CollectionController {
  private readonly logger = new Logger(CollectionController.name);
  private readonly helloTimeoutMs: number;
  private readonly mtls: boolean;

  constructor(
    private readonly ingest: IngestService,
    private readonly auth: TokenAuthService,
    private readonly slots: StreamSlots,
    config: ConfigService,
    private readonly metrics: MetricsService,
  ) {
    this.helloTimeoutMs = config.get<number>('helloTimeoutMs') ?? 10_000;
    this.mtls = Boolean(config.get<{ ca?: string }>('tls')?.ca);
  }

  /**
   * Hello, then snapshots, handled strictly in order; each ack is written
   * only after its snapshot's transaction committed. The first bad message
   * ends the stream with its status; nothing of it is stored.
   */
  @GrpcStreamCall('CollectorService', 'Collect')
  collect(call: CollectCall): void {
    const peer = call.getPeer();
    let run: OpenedRun | undefined;
    let ended = false;
    let queue = Promise.resolve();
    let release = () => undefined as void;
    const finish = () => {
      ended = true;
      clearTimeout(helloTimer);
      release();
    };

    const fail = (e: unknown) => {
      if (ended) return;
      finish();
      const { code, message } = toGrpcStatus(e);
      this.metrics.rejected(status[code]);
      if (code === status.INTERNAL)
        this.logger.error({ msg: 'stream failed', peer, runId: run?.runId, error: message });
      else this.logger.warn({ msg: 'stream rejected', peer, runId: run?.runId, code: status[code], error: message });
      call.emit('error', { code, details: message });
    };

    // A connection that never says who it is does not hold a stream (and its slot) for long.
    const helloTimer = setTimeout(
      () => fail(new DeadlineExceededError(`no hello within ${this.helloTimeoutMs} ms`)),
      this.helloTimeoutMs,
    );
    let credential: Credential;
    try {
      credential = this.auth.check(call.metadata, peer, 'Collect', 'collect');
      release = this.slots.take(credential);
    } catch (e) {
      fail(e);
      return;
    }

    const handle = async (req: CollectRequest) => {
      if (ended) return;
      rejectMalformed(req);
      if (req.hello) {
        if (run) throw new FailedPreconditionError('a stream carries one hello');
        this.auth.checkHost(credential, req.hello.hostId);
        checkPeerCertificate(call, req.hello.hostId, this.mtls);
        clearTimeout(helloTimer);
        run = await this.ingest.hello(req.hello);
        call.write({ welcome: { runId: run.runId, lastAckedSeq: run.lastAckedSeq.toString() } });
      } else if (req.snapshot) {
        if (!run) throw new FailedPreconditionError('unknown run: send a hello before snapshots');
        const arrived = process.hrtime.bigint();
        let outcome: Awaited<ReturnType<IngestService['ingest']>>;
        try {
          checkSnapshotTime(req.snapshot, Date.now());
          outcome = await this.ingest.ingest(run, req.snapshot);
        } catch (e) {
          this.metrics.snapshot('rejected');
          throw e;
        }
        this.metrics.snapshot(outcome);
        this.metrics.ack(Number(process.hrtime.bigint() - arrived) / 1e9);
        if (outcome === 'duplicate')
          this.logger.log({ msg: 'duplicate snapshot acked', runId: run.runId, seq: req.snapshot.seq });
        call.write({ ack: { runId: run.runId, seq: req.snapshot.seq } });
      } else {
        throw new InvalidArgumentError('empty message: expected a hello or a snapshot');
      }
    };

    this.metrics.streamOpened();
    call.once('close', () => this.metrics.streamClosed());
    call.on('data', (req: CollectRequest) => {
      queue = queue.then(() => handle(req)).catch(fail);
    });
    call.on('end', () => {
      queue.then(() => {
        if (!ended) {
          finish();
          call.end();
        }
      });
    });
    call.on('error', (e) => this.logger.debug?.({ msg: 'stream closed by peer', peer, error: String(e) }));
    call.on('close', () => queue.then(() => (ended ? undefined : finish())));
  }
}
