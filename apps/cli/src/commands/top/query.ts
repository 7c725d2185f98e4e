import { QueryClient } from '../../queries/client';
import { historyTitle, queryTop, requireRows } from '../../queries/top';
import { renderTopResponse } from '../../render/top-response';
import { TopPlan } from './plan';

/** A control plane is configured: one query of its history. */
export async function topOfHistory(plan: TopPlan, remote: () => QueryClient): Promise<void> {
  const { scope, failed } = plan.query;
  const resp = await queryTop(remote(), plan.query);
  requireRows(scope, resp);
  process.stdout.write(renderTopResponse(resp, { ...plan.rendering, title: historyTitle(scope, resp, failed) }));
}
