import { status } from '@grpc/grpc-js';
import { TopResponse } from '@syscall-counter/proto';
import logUpdate from 'log-update';
import { hostname } from 'node:os';
import { RemoteError } from '../../errors';
import { LocalPipeline, startPipeline } from '../../local/pipeline';
import { detailText, scopeFrom, whereText } from '../../options/scope';
import { queryTop, TopQuery } from '../../queries/top';
import { renderTopResponse } from '../../render/top-response';
import { displayTime } from '../../render/clock';
import { subjectText } from '../../render/titles';
import { parseDuration } from '../../time-window';
import { TopOpts, TopPlan } from './plan';
import { titleLine } from '../../render/escape';

/** Ctrl-C (or SIGTERM) ends the watch after the frame being drawn, and cuts the wait for the next one short. */
class StopSignal {
  stopped = false;
  private wake: () => void = () => undefined;
  private readonly onSignal = () => this.stop();

  constructor() {
    // on, not once: log-update's signal-exit re-raises the signal if it finds itself the only listener.
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      this.wake = r;
      setTimeout(r, ms);
    });
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** Where the frames come from: a control plane's history, or the run of an agent here. */
interface Feed {
  /** The title's first words: what the frames cover. */
  where: string;
  /** Frames of a local pipeline cover its run only. */
  runId?: string;
  /** The answer to a frame's query; undefined while there is nothing to show yet. */
  answer(query: TopQuery): Promise<TopResponse | undefined>;
}

/** Refreshes in place until Ctrl-C (or --frames): against a control plane, or an embedded one fed by a local agent. */
export async function watchTop(opts: TopOpts, plan: TopPlan): Promise<void> {
  const signal = new StopSignal();
  const tty = process.stdout.isTTY === true;
  let pipeline: LocalPipeline | undefined;
  let agentError: unknown;
  try {
    const windowMs = parseDuration(opts.window ?? (plan.remote ? '1m' : '5s'), '--window');
    let feed: Feed;
    if (plan.remote) {
      const remote = plan.remote;
      feed = { where: whereText(opts), answer: (q) => queryTop(remote(), q) };
    } else {
      const local = await startPipeline({ breakdown: plan.breakdown, errors: opts.failed });
      pipeline = local;
      local.agent.done.catch((e: unknown) => {
        agentError = e;
        signal.stop();
      });
      feed = { where: hostname(), runId: local.runId, answer: (q) => localAnswer(local, q) };
    }
    for (let frame = 1; !signal.stopped; frame++) {
      const text = await drawFrame(opts, plan, feed, windowMs);
      if (tty) logUpdate(text.trimEnd());
      else process.stdout.write(text + '\n');
      if (opts.frames && frame >= opts.frames) break;
      await signal.sleep(opts.refresh * 1000);
    }
  } finally {
    if (tty) logUpdate.done();
    signal.dispose();
    await pipeline?.stop();
  }
  if (agentError) throw agentError;
}

/** One frame: the last --window of the history, or "waiting for data..." until there is some. */
async function drawFrame(opts: TopOpts, plan: TopPlan, feed: Feed, windowMs: number): Promise<string> {
  const now = Date.now();
  const scope = {
    ...scopeFrom(opts, now),
    sinceUnixMs: String(now - windowMs),
    untilUnixMs: '0',
    ...(feed.runId ? { runId: feed.runId } : {}),
  };
  const at = displayTime(now, plan.rendering.display.utc);
  const detail = detailText(opts);
  const title =
    `${subjectText(plan.subject)}, ${feed.where}${detail ? `, ${detail}` : ''}, last ${windowMs / 1000} s, ` +
    `at ${at} (every ${opts.refresh} s; Ctrl-C quits)`;
  const resp = await feed.answer({ ...plan.query, scope });
  return resp?.rows.length
    ? renderTopResponse(resp, { ...plan.rendering, format: 'table', title })
    : `${titleLine(title)}\nwaiting for data...\n`;
}

/** The local agent's run exists once its hello arrived: until then there is nothing to show. */
async function localAnswer(pipeline: LocalPipeline, query: TopQuery): Promise<TopResponse | undefined> {
  try {
    return await queryTop(pipeline.client(), query);
  } catch (e) {
    if (e instanceof RemoteError && e.status === status.NOT_FOUND) return undefined;
    throw e;
  }
}
