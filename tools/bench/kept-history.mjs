// query-latency.mjs --keep DIR / --reuse DIR: a long history written once and its queries timed
// again later (7 days of 20 hosts take ~26 min to write on SQLite, ~40 min on PostgreSQL, while
// timing the queries takes a minute).
//
// DIR holds history.json (the history's shape and window: what the query cases are cut from, and
// what writing it measured) and the store: bench.db (SQLite) or pg/ (the throw-away cluster's
// directory from tools/pg-cluster.sh, halted; history.json names its database).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FILE = 'history.json';
// What a kept history records (all numbers but engine and database).
const NUMBERS = ['hosts', 'hours', 'start', 'end', 'processes', 'cgroups', 'agents', 'runMinutes', 'snaps'];
const MORE = ['genSeconds', 'bytes', 'load'];

/** The absolute DIR of --keep, created: absent or empty (a kept history is never overwritten). */
export function keepDir(dir) {
  const abs = resolve(dir);
  if (existsSync(abs) && readdirSync(abs).length) {
    throw new UsageError(`--keep ${dir}: not empty (a kept history is never overwritten)`);
  }
  mkdirSync(abs, { recursive: true });
  return abs;
}

/** Records the kept history in @dir (written last: a DIR without it holds no finished history). */
export function saveHistory(dir, history) {
  writeFileSync(join(dir, FILE), `${JSON.stringify(history, null, 2)}\n`);
}

/** The history kept in @dir by --keep; a UsageError naming what is wrong. */
export function loadHistory(dir) {
  const abs = resolve(dir);
  let h;
  try {
    h = JSON.parse(readFileSync(join(abs, FILE), 'utf8'));
  } catch (e) {
    throw new UsageError(`--reuse ${dir}: no kept history (${e.code === 'ENOENT' ? `no ${FILE}` : e.message})`);
  }
  const bad = [...NUMBERS, ...MORE].find((k) => typeof h[k] !== 'number');
  if (bad || !/^(sqlite|pg\d*)$/.test(h.engine) || (h.engine !== 'sqlite' && !/^\w+$/.test(h.database ?? ''))) {
    throw new UsageError(`--reuse ${dir}: ${FILE} is not one written by --keep (${bad ?? 'engine/database'})`);
  }
  const store = h.engine === 'sqlite' ? join(abs, 'bench.db') : join(abs, 'pg/data/PG_VERSION');
  if (!existsSync(store)) throw new UsageError(`--reuse ${dir}: the kept store ${store} is missing`);
  return { ...h, dir: abs };
}

/** Bad options or arguments: one line and exit 2. */
export class UsageError extends Error {}
