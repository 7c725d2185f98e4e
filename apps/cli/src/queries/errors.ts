import { GroupBy, Scope } from '@syscall-counter/proto';
import { errnoName } from '@syscall-counter/syscall-table';
import { ErrorRow } from '../render/errors-table';
import { nameTable, syscallLabel } from '../syscalls';
import { QueryClient } from './client';

/** Failed calls of a history scope, in the rows the local errors table shows. */
export interface ErrorsHistory {
  rows: ErrorRow[];
  /** Every call in the scope, failed or not. */
  calls: number;
  firstUnixMs: string;
  lastUnixMs: string;
}

/**
 * The stored failures of @scope (runs streamed with agent --errors): per syscall the calls
 * (Top), the failed ones (Top with failed) and their errnos (Top with failed by errno, one
 * query per failing syscall: they are few).
 */
export async function errorsHistory(c: QueryClient, scope: Scope, syscallNr?: number): Promise<ErrorsHistory> {
  const bySyscall = { scope, by: GroupBy.GROUP_BY_SYSCALL, limit: 0, syscallNr };
  const failed = await c.top({ ...bySyscall, failed: true });
  const all = await c.top({ ...bySyscall, failed: false });
  const table = nameTable(undefined, all.arch || failed.arch);
  const failedOf = new Map(failed.rows.map((r) => [r.nr, Number(r.count)]));
  const callsOf = new Map(all.rows.map((r) => [r.nr, Number(r.count)]));
  const rows: ErrorRow[] = [];
  for (const nr of new Set([...callsOf.keys(), ...failedOf.keys()])) {
    const failures = failedOf.get(nr) ?? 0;
    const errnos = failures ? await errnosOf(c, scope, nr) : [];
    // Every failure is a call: a scope's calls include its failures, even where counts are missing.
    const count = Math.max(callsOf.get(nr) ?? 0, failures);
    rows.push({ nr, name: syscallLabel(nr, table), count, failed: failures, errnos });
  }
  return { rows, calls: Number(all.total), firstUnixMs: failed.firstUnixMs, lastUnixMs: failed.lastUnixMs };
}

async function errnosOf(c: QueryClient, scope: Scope, nr: number): Promise<ErrorRow['errnos']> {
  const resp = await c.top({ scope, by: GroupBy.GROUP_BY_ERRNO, limit: 0, syscallNr: nr, failed: true });
  return resp.rows
    .map((r) => ({ errno: Number(r.key), name: errnoName(Number(r.key)), count: Number(r.count) }))
    .sort((a, b) => b.count - a.count || a.errno - b.errno);
}
