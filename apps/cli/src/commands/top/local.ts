import { TopResponse } from '@syscall-counter/proto';
import { hostname } from 'node:os';
import { relative } from 'node:path';
import { LocalPipeline, startPipeline } from '../../local/pipeline';
import { detailText } from '../../options/scope';
import { withTimedProgress } from '../../progress';
import { queryTop, topSeconds } from '../../queries/top';
import { subjectText } from '../../render/titles';
import { renderTopResponse } from '../../render/top-response';
import { TopOpts, TopPlan } from './plan';

/** No control plane configured: an embedded one, fed by an agent here for --duration seconds, answers one query. */
export async function topHere(opts: TopOpts, plan: TopPlan): Promise<void> {
  // Ctrl-C ends the collection early, like strace -c: what was collected is still shown. The
  // handler comes first: a Ctrl-C while the pipeline starts must not kill the CLI either.
  let pipeline: LocalPipeline | undefined;
  let interrupted = false;
  const stopEarly = () => {
    interrupted = true;
    pipeline?.agent.stop();
  };
  process.on('SIGINT', stopEarly);
  try {
    pipeline = await startPipeline({ seconds: opts.duration, breakdown: plan.breakdown, errors: opts.failed });
  } catch (e) {
    process.off('SIGINT', stopEarly);
    throw e;
  }
  if (interrupted) pipeline.agent.stop();
  let resp: TopResponse;
  try {
    await withTimedProgress('Collecting syscalls on this host', opts.duration, pipeline.agent.done);
    process.off('SIGINT', stopEarly);
    resp = await queryTop(pipeline.client(), { ...plan.query, scope: { ...plan.query.scope, runId: pipeline.runId } });
  } finally {
    process.off('SIGINT', stopEarly);
    await pipeline.stop();
  }
  const what = subjectText(plan.subject);
  const detail = detailText(opts);
  const stored = relative(process.cwd(), pipeline.dbPath) || pipeline.dbPath;
  const title =
    `${what}${detail ? ` (${detail})` : ''} on ${hostname()} over ${topSeconds(resp).toFixed(1)} s ` +
    `(run ${pipeline.runId.slice(0, 8)}, stored in ${stored})`;
  process.stdout.write(renderTopResponse(resp, { ...plan.rendering, title }));
}
