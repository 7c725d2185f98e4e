const QUOTED = /[\\"]/g;

/**
 * A text[] parameter as PostgreSQL's array literal, spelled as node-postgres spells it (every
 * element double-quoted, backslash and double quote escaped, null as NULL) but in one regex pass
 * per element instead of two: ingest sends a few packed `{"nr":count,...}` texts per snapshot, each
 * with a hundred quotes. Null when an element is not a string or null (node-postgres spells those).
 */
export function textArrayLiteral(values: readonly unknown[]): string | null {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'string') out += `"${v.replace(QUOTED, '\\$&')}"`;
    else return null;
  }
  return `${out}}`;
}
