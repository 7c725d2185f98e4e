import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROOT } from './paths';

/**
 * The engine the e2e suites run against: SC_TEST_DB=postgres runs them on PostgreSQL (a throw-away
 * cluster from tools/pg-cluster.sh, started by the suite's jest globalSetup, URL in SC_TEST_PG_URL),
 * anything else on SQLite files.
 */
export function testEngine(): 'sqlite' | 'postgres' {
  return process.env.SC_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

export const PG_CLUSTER = join(ROOT, 'tools/pg-cluster.sh');

/** Starts a throw-away cluster (fsync off: test data need not survive a crash). */
export function startPgCluster(): { url: string; dir: string } {
  const out = execFileSync('bash', [PG_CLUSTER, 'start'], {
    env: { ...process.env, SC_PG_FAST: '1' },
    encoding: 'utf8',
  });
  const [url, dir] = out.trim().split(' ');
  return { url, dir };
}

export function stopPgCluster(dir: string): void {
  execFileSync('bash', [PG_CLUSTER, 'stop', dir], { stdio: 'inherit' });
}

/** The URL of the cluster the suite runs on (set by its globalSetup). */
export function testPgUrl(): string {
  const url = process.env.SC_TEST_PG_URL;
  if (!url) throw new Error('SC_TEST_DB=postgres needs SC_TEST_PG_URL (the jest globalSetup starts a cluster)');
  return url;
}

/** A new empty database on the cluster of @clusterUrl; returns its URL. */
export function createDatabase(clusterUrl = testPgUrl()): string {
  const name = `sc_${randomBytes(6).toString('hex')}`;
  psql(clusterUrl, `CREATE DATABASE ${name}`);
  return clusterUrl.replace(/\/[^/]+$/, `/${name}`);
}

function psql(url: string, sql: string): string {
  return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--csv', '-d', url, '-c', sql], {
    encoding: 'utf8',
  });
}

/** A value as an SQL literal (the tests' parameters: numbers and plain strings). */
function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** Splits psql's CSV output into rows of fields (quoted fields may hold commas, quotes, newlines). */
function parseCsv(text: string): Array<Array<string | null>> {
  const rows: Array<Array<string | null>> = [];
  let row: Array<string | null> = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      let j = i + 1;
      field = '';
      for (;;) {
        if (text[j] === '"' && text[j + 1] === '"') {
          field += '"';
          j += 2;
        } else if (text[j] === '"') break;
        else field += text[j++];
      }
      i = j + 1;
    } else {
      const end = text.slice(i).search(/[,\n]/);
      const raw = end < 0 ? text.slice(i) : text.slice(i, i + end);
      field = raw === '' ? null : raw;
      i += raw.length;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

/** Integers as numbers and booleans as 0/1, as better-sqlite3 reads them; text as text. */
function value(field: string | null): unknown {
  if (field === null) return null;
  if (/^-?\d+$/.test(field) && Number.isSafeInteger(Number(field))) return Number(field);
  if (field === 't' || field === 'f') return field === 't' ? 1 : 0;
  return field;
}

/** What the e2e specs read a database with: better-sqlite3's shape (prepare().all/get, close). */
export interface SqlReader {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
  close(): void;
}

/** A synchronous reader of a PostgreSQL database through psql, for the specs' checks of stored rows. */
export function pgReader(url: string): SqlReader {
  const query = (sql: string, params: unknown[]) => {
    let n = 0;
    const [header, ...rows] = parseCsv(
      psql(
        url,
        sql.replace(/\?/g, () => literal(params[n++])),
      ),
    );
    return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, value(r[i])])));
  };
  return {
    prepare: (sql) => ({ all: (...p) => query(sql, p), get: (...p) => query(sql, p)[0] }),
    close: () => undefined,
  };
}
