import { QueryClient } from '../../queries/client';
import { queryTop, requireRows } from '../../queries/top';
import { expiredNotice, warnExpired } from '../../render/expired-notice';
import { historyHeadline } from '../../render/titles';
import { renderTopResponse } from '../../render/top-response';
import { TopPlan } from './plan';

/** A control plane is configured: one query of its history. */
export async function topOfHistory(plan: TopPlan, remote: () => QueryClient): Promise<void> {
  const { scope } = plan.query;
  const client = remote();
  const resp = await queryTop(client, plan.query);
  // No rows over expired time: the notice says why before the error does.
  if (resp.rows.length === 0) warnExpired(resp.expired);
  requireRows(scope, resp);
  // The header names the source: history of a control plane (the replica that answered, of a
  // list), not this host's last seconds.
  const headline = historyHeadline(plan.subject, scope, resp, plan.rendering.display.utc);
  const title = `${headline} (control plane ${client.answering})`;
  process.stdout.write(renderTopResponse(resp, { ...plan.rendering, title }));
  // A table ends with the notice, like its other notes; CSV and JSON keep stdout for data.
  if (plan.rendering.format === 'table' && resp.expired) process.stdout.write(`${expiredNotice(resp.expired)}\n`);
  else warnExpired(resp.expired);
}
