import { ServerDuplexStream, status } from '@grpc/grpc-js';
import { Controller, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GrpcStreamCall } from '@nestjs/microservices';
import type { CollectRequest, CollectResponse, Hello, Snapshot } from '@syscall-counter/proto';
import { Credential } from '../auth/credentials';
import { checkPeerCertificate } from '../auth/peer-identity';
import { StreamSlots } from '../auth/stream-slots';
import { TokenAuthService } from '../auth/token-auth.service';
import { DeadlineExceededError, FailedPreconditionError, InvalidArgumentError } from '../common/domain-errors';
import { toGrpcStatus } from '../common/grpc-status';
import { rejectMalformed } from '../common/malformed-requests';
import { MetricsService } from '../metrics/metrics.service';
import { IngestOutcome, IngestService, OpenedRun } from './ingest.service';
import { checkSnapshotTime } from './snapshot-validation';

type CollectCall = ServerDuplexStream<CollectRequest, CollectResponse>;

/** One Collect call: who it is, its run once the hello opened it, whether it ended. */
interface CollectState {
  call: CollectCall;
  peer: string;
  ended: boolean;
  run?: OpenedRun;
  helloTimer?: NodeJS.Timeout;
  /** Gives back the credential's stream slot. */
  release: () => void;
}

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
    const st: CollectState = { call, peer: call.getPeer(), ended: false, release: () => undefined };
    // A connection that never says who it is does not hold a stream (and its slot) for long.
    st.helloTimer = setTimeout(
      () => this.fail(st, new DeadlineExceededError(`no hello within ${this.helloTimeoutMs} ms`)),
      this.helloTimeoutMs,
    );
    let credential: Credential;
    try {
      credential = this.auth.check(call.metadata, st.peer, 'Collect', 'collect');
      st.release = this.slots.take(credential);
    } catch (e) {
      this.fail(st, e);
      return;
    }
    this.listen(st, credential);
  }

  /** The call's events: its messages one at a time, in order, then its end. */
  private listen(st: CollectState, credential: Credential): void {
    const { call, peer } = st;
    let queue = Promise.resolve();
    this.metrics.streamOpened();
    call.once('close', () => this.metrics.streamClosed());
    call.on('data', (req: CollectRequest) => {
      queue = queue.then(() => this.handle(st, credential, req)).catch((e) => this.fail(st, e));
    });
    call.on('end', () => {
      queue.then(() => {
        if (!st.ended) {
          this.finish(st);
          call.end();
        }
      });
    });
    call.on('error', (e) => this.logger.debug?.({ msg: 'stream closed by peer', peer, error: String(e) }));
    call.on('close', () => queue.then(() => (st.ended ? undefined : this.finish(st))));
  }

  private async handle(st: CollectState, credential: Credential, req: CollectRequest): Promise<void> {
    if (st.ended) return;
    rejectMalformed(req);
    if (req.hello) await this.onHello(st, credential, req.hello);
    else if (req.snapshot) await this.onSnapshot(st, req.snapshot);
    else throw new InvalidArgumentError('empty message: expected a hello or a snapshot');
  }

  /** The hello: this credential (and client certificate) may speak for its host; the run opens. */
  private async onHello(st: CollectState, credential: Credential, hello: Hello): Promise<void> {
    if (st.run) throw new FailedPreconditionError('a stream carries one hello');
    this.auth.checkHost(credential, hello.hostId);
    checkPeerCertificate(st.call, hello.hostId, this.mtls);
    clearTimeout(st.helloTimer);
    const run = await this.ingest.hello(hello);
    st.run = run;
    st.call.write({ welcome: { runId: run.runId, lastAckedSeq: run.lastAckedSeq.toString() } });
  }

  /** A snapshot: stored (or found stored already), then acked. */
  private async onSnapshot(st: CollectState, snapshot: Snapshot): Promise<void> {
    const { run } = st;
    if (!run) throw new FailedPreconditionError('unknown run: send a hello before snapshots');
    const arrived = process.hrtime.bigint();
    let outcome: IngestOutcome;
    try {
      checkSnapshotTime(snapshot, Date.now());
      outcome = await this.ingest.ingest(run, snapshot);
    } catch (e) {
      this.metrics.snapshot('rejected');
      throw e;
    }
    this.metrics.snapshot(outcome);
    this.metrics.ack(Number(process.hrtime.bigint() - arrived) / 1e9);
    if (outcome === 'duplicate')
      this.logger.log({ msg: 'duplicate snapshot acked', runId: run.runId, seq: snapshot.seq });
    st.call.write({ ack: { runId: run.runId, seq: snapshot.seq } });
  }

  private finish(st: CollectState): void {
    st.ended = true;
    clearTimeout(st.helloTimer);
    st.release();
  }

  /** Ends the stream with the error's status, once: the first bad message is the last. */
  private fail(st: CollectState, e: unknown): void {
    if (st.ended) return;
    this.finish(st);
    const { code, message } = toGrpcStatus(e);
    const { peer, run } = st;
    this.metrics.rejected(status[code]);
    if (code === status.INTERNAL) this.logger.error({ msg: 'stream failed', peer, runId: run?.runId, error: message });
    else this.logger.warn({ msg: 'stream rejected', peer, runId: run?.runId, code: status[code], error: message });
    st.call.emit('error', { code, details: message });
  }
}
