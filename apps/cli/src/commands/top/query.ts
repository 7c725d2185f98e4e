import { QueryClient } from '../../queries/client';
import { queryTop, requireRows } from '../../queries/top';
import { historyHeadline } from '../../render/titles';
import { renderTopResponse } from '../../render/top-response';
import { TopPlan } from './plan';

/** A control plane is configured: one query of its history. */
export async function topOfHistory(plan: TopPlan, remote: () => QueryClient): Promise<void> {
  const { scope } = plan.query;
  const resp = await queryTop(remote(), plan.query);
  requireRows(scope, resp);
  // The header names the source: history of a control plane, not this host's last seconds.
  const headline = historyHeadline(plan.subject, scope, resp, plan.rendering.display.utc);
  const title = `${headline} (control plane ${plan.source})`;
  process.stdout.write(renderTopResponse(resp, { ...plan.rendering, title }));
}
