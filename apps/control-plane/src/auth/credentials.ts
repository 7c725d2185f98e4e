import { readFileSync } from 'node:fs';

/** agent: may only stream as its host; reader: may only query; admin: both, as any host. */
export type Role = 'agent' | 'reader' | 'admin';
const ROLES: Role[] = ['agent', 'reader', 'admin'];

export interface Credential {
  token: string;
  role: Role;
  /** The only host an agent credential may stream as; undefined for readers and admins (any host). */
  hostId?: string;
  /** Where it came from, for logs: "SC_TOKEN", "tokens file line 3". Never the token itself. */
  source: string;
}

/** A token is printable ASCII without spaces: what fits in "authorization: Bearer <token>". */
const TOKEN = /^[\x21-\x7e]{16,4096}$/;
const HOST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const MIN_TOKEN_LENGTH = 16;

/**
 * Parses SC_TOKENS_FILE: one credential a line, "TOKEN ROLE [HOST_ID]", '#' starts a comment.
 * A malformed line throws with its line number (the control plane does not start, or keeps the
 * credentials it had on a reload).
 */
export function parseTokensFile(text: string, path: string): Credential[] {
  const out: Credential[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const where = `${path}:${i + 1}`;
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const [token, role, hostId, ...rest] = line.split(/\s+/);
    if (rest.length > 0) throw new Error(`${where}: expected "TOKEN ROLE [HOST_ID]", found ${rest.length + 3} fields`);
    if (!TOKEN.test(token))
      throw new Error(`${where}: a token is ${MIN_TOKEN_LENGTH} to 4096 printable characters without spaces`);
    if (!ROLES.includes(role as Role)) throw new Error(`${where}: role '${role ?? ''}' is not agent, reader or admin`);
    if (role === 'agent' && !hostId) throw new Error(`${where}: an agent credential names its HOST_ID`);
    if (role !== 'agent' && hostId) throw new Error(`${where}: only an agent credential names a host`);
    if (hostId && !HOST_ID.test(hostId))
      throw new Error(`${where}: host id must be 1-128 characters of [A-Za-z0-9._:-]`);
    if (seen.has(token)) throw new Error(`${where}: this token is already on an earlier line`);
    seen.add(token);
    out.push({ token, role: role as Role, hostId, source: `tokens file line ${i + 1}` });
  });
  return out;
}

export function readTokensFile(path: string): Credential[] {
  return parseTokensFile(readFileSync(path, 'utf8'), path);
}

/** SC_TOKEN / SC_TOKEN_FILE: the shared token of small set-ups. It trusts every agent: an admin credential. */
export function sharedCredential(env: NodeJS.ProcessEnv): Credential | undefined {
  let token: string | undefined;
  let source = 'SC_TOKEN';
  if (env.SC_TOKEN) token = env.SC_TOKEN;
  else if (env.SC_TOKEN_FILE) {
    token = readFileSync(env.SC_TOKEN_FILE, 'utf8').trim();
    source = 'SC_TOKEN_FILE';
  }
  if (token === undefined) return undefined;
  if (token.length < MIN_TOKEN_LENGTH)
    throw new Error(`the token must be at least ${MIN_TOKEN_LENGTH} characters long`);
  if (!TOKEN.test(token)) throw new Error(`${source}: the token must be printable characters without spaces`);
  return { token, role: 'admin', source };
}
