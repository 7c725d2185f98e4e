import { Metadata, status } from '@grpc/grpc-js';
import { ListHostsResponse } from '@syscall-counter/proto';
import { ControlPlane, sleep, TOKEN } from '@syscall-counter/test-support';
import { writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { auth, collector, CollectSession, hello, queries, snapshot, unary } from './grpc-client';

// Issue 11: one credential per host, refusals instead of silent loss, bounded input and connections.
const WEB1 = 'agent-web1-0123456789abcdef';
const READER = 'reader-0123456789abcdefgh';
const LATER = 'agent-web2-added-on-sighup';

/** Sends @reqs on a stream of @token and resolves to how it ended (null: it ended cleanly). */
async function stream(cp: ControlPlane, token: string, reqs: object[]) {
  const s = new CollectSession(collector(cp), auth(token));
  for (const r of reqs) s.send(r as never);
  s.close();
  return { err: await s.ended, responses: s.responses };
}

function runRow(cp: ControlPlane, runId: string): unknown {
  const db = cp.db();
  try {
    return db.prepare('SELECT host_id, last_seq, finished FROM runs WHERE run_id = ?').get(runId);
  } finally {
    db.close();
  }
}

describe('trust: per-host credentials, closed runs, bounded input and connections', () => {
  let tokensFile = '';
  const cp = new ControlPlane((dir) => {
    tokensFile = join(dir, 'tokens');
    writeFileSync(tokensFile, `# per host\n${WEB1} agent web-1\n${READER}   reader # dashboards\n`);
    return { SC_TOKENS_FILE: tokensFile, SC_HELLO_TIMEOUT_MS: '500', SC_IDLE_TIMEOUT_MS: '1000' };
  });
  beforeAll(() => cp.start());
  afterAll(() => cp.close());

  it('lets an agent credential stream as its own host only, and stores nothing of a foreign hello', async () => {
    const ok = await stream(cp, WEB1, [hello('r-web1', 'web-1'), snapshot('r-web1', 1, { 39: 7 })]);
    expect(ok.err).toBeNull();
    expect(ok.responses).toHaveLength(2);
    const bad = await stream(cp, WEB1, [hello('r-forged', 'db-1'), snapshot('r-forged', 1, { 39: 1000 })]);
    expect(bad.err?.code).toBe(status.PERMISSION_DENIED);
    expect(bad.err?.details).toMatch(/streams as host 'web-1', not 'db-1'/);
    expect(runRow(cp, 'r-forged')).toBeUndefined();
  });

  it('refuses a reader on the collector and an agent on queries with PERMISSION_DENIED', async () => {
    const r = await stream(cp, READER, [hello('r-reader', 'web-1')]);
    expect(r.err?.code).toBe(status.PERMISSION_DENIED);
    await expect(unary(queries(cp), 'listHosts', {}, auth(WEB1))).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
    const hosts = await unary<object, ListHostsResponse>(queries(cp), 'listHosts', {}, auth(READER));
    expect(hosts.hosts.map((h) => [h.hostId, h.total])).toEqual([['web-1', '7']]);
    // The shared token is an admin credential: it still queries.
    await expect(unary(queries(cp), 'listHosts', {}, auth(TOKEN))).resolves.toBeDefined();
  });

  it('rereads the tokens file on SIGHUP, keeping the old credentials when the new file is malformed', async () => {
    expect((await stream(cp, LATER, [hello('r-web2', 'web-2')])).err?.code).toBe(status.UNAUTHENTICATED);
    writeFileSync(tokensFile, `${WEB1} agent web-1\n${LATER} agent web-2\n`);
    cp.proc!.kill('SIGHUP');
    for (let i = 0; i < 100 && !/tokens reloaded/.test(cp.log); i++) await sleep(20);
    expect((await stream(cp, LATER, [hello('r-web2', 'web-2')])).err).toBeNull();
    expect((await stream(cp, READER, [hello('r-x', 'web-1')])).err?.code).toBe(status.UNAUTHENTICATED);
    writeFileSync(tokensFile, `${WEB1} agent\n`);
    cp.proc!.kill('SIGHUP');
    for (let i = 0; i < 100 && !/tokens not reloaded/.test(cp.log); i++) await sleep(20);
    expect(cp.log).toMatch(/tokens:1: an agent credential names its HOST_ID/);
    expect((await stream(cp, LATER, [hello('r-web2', 'web-2')])).err).toBeNull();
    expect(cp.proc!.exitCode).toBeNull();
  });

  it('closes a finished run: a snapshot after the final one is FAILED_PRECONDITION', async () => {
    await stream(cp, TOKEN, [hello('r-fin'), snapshot('r-fin', 1, { 39: 5 }, 0, true)]);
    const r = await stream(cp, TOKEN, [hello('r-fin'), snapshot('r-fin', 2, { 39: 9 })]);
    expect(r.err?.code).toBe(status.FAILED_PRECONDITION);
    expect(r.err?.details).toMatch(/run 'r-fin' is finished/);
    expect(runRow(cp, 'r-fin')).toEqual({ host_id: 'host-test', last_seq: 1, finished: 1 });
  });

  it('refuses a run id reused by another agent start with ALREADY_EXISTS', async () => {
    await stream(cp, TOKEN, [hello('r-reuse'), snapshot('r-reuse', 1, { 39: 5 })]);
    const again = { hello: { ...hello('r-reuse').hello, runStartedUnixMs: '1700000099000' } };
    const r = await stream(cp, TOKEN, [again, snapshot('r-reuse', 1, { 39: 1000 })]);
    expect(r.err?.code).toBe(status.ALREADY_EXISTS);
    expect(r.err?.details).toMatch(/another --run-id/);
    expect(runRow(cp, 'r-reuse')).toEqual({ host_id: 'host-test', last_seq: 1, finished: 0 });
  });

  it.each([
    ['a time 2^63', { timeUnixMs: '9223372036854775808' }, /time_unix_ms/],
    ['a time an hour ahead', { timeUnixMs: String(Date.now() + 3_600_000) }, /ahead of the server's clock/],
    ['a time before the run', { timeUnixMs: '1600000000000' }, /before its run started/],
  ])('refuses %s with INVALID_ARGUMENT', async (_what, over, message) => {
    const runId = `r-time-${Math.random().toString(36).slice(2, 8)}`;
    const s = snapshot(runId, 1, { 39: 1 });
    const r = await stream(cp, TOKEN, [hello(runId), { snapshot: { ...s.snapshot, ...over } }]);
    expect(r.err?.code).toBe(status.INVALID_ARGUMENT);
    expect(r.err?.details).toMatch(message);
  });

  it.each([
    ['a 100 kB hostname', { hostname: 'h'.repeat(100_000) }, /hostname is longer than 255 bytes/],
    ['an escape in the kernel release', { kernelRelease: '6.1\u001b[2J' }, /kernelRelease holds .* U\+001b/],
    ['a bidi override in the scope', { scope: 'all \u202eprocesses' }, /scope holds .* U\+202e/],
    ['a C1 control in the boot id', { bootId: 'b\u0085' }, /bootId holds .* U\+0085/],
  ])('refuses a hello with %s with INVALID_ARGUMENT and stores nothing', async (_what, over, message) => {
    const runId = `r-str-${Math.random().toString(36).slice(2, 8)}`;
    const r = await stream(cp, TOKEN, [{ hello: { ...hello(runId, 'web-9').hello, ...over } }]);
    expect(r.err?.code).toBe(status.INVALID_ARGUMENT);
    expect(r.err?.details).toMatch(message);
    expect(runRow(cp, runId)).toBeUndefined();
  });

  it('refuses counters whose store-wide sum would pass 2^63-1, and every query keeps working', async () => {
    const near = '9223372036854775000';
    expect((await stream(cp, TOKEN, [hello('r-big1', 'web-big'), snapshot('r-big1', 1, { 1: near })])).err).toBeNull();
    const r = await stream(cp, TOKEN, [hello('r-big2', 'web-big'), snapshot('r-big2', 1, { 1: near })]);
    expect(r.err?.code).toBe(status.INVALID_ARGUMENT);
    expect(r.err?.details).toMatch(/sum of counts would pass 2\^63-1/);
    const hosts = await unary<object, ListHostsResponse>(queries(cp), 'listHosts', {});
    expect(hosts.hosts.find((h) => h.hostId === 'web-big')?.total).toBe(near);
    await expect(unary(queries(cp), 'listRuns', { hostId: '' })).resolves.toBeDefined();
  });

  it('closes a stream that sends no hello within the bound with DEADLINE_EXCEEDED', async () => {
    const s = new CollectSession(collector(cp), auth(TOKEN));
    const t0 = Date.now();
    const err = await s.ended;
    expect(err?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('caps the concurrent streams of an agent credential at 4 (RESOURCE_EXHAUSTED)', async () => {
    const open = Array.from({ length: 4 }, () => new CollectSession(collector(cp), auth(WEB1)));
    open.forEach((s, i) => s.send(hello(`r-cap-${i}`, 'web-1')));
    await Promise.all(open.map((s) => s.next(1)));
    const fifth = new CollectSession(collector(cp), auth(WEB1));
    expect((await fifth.ended)?.code).toBe(status.RESOURCE_EXHAUSTED);
    open.forEach((s) => s.close());
    await Promise.all(open.map((s) => s.ended));
    const after = await stream(cp, WEB1, [hello('r-cap-after', 'web-1')]);
    expect(after.err).toBeNull();
  });

  it('closes idle connections that never make a call', async () => {
    const [host, port] = cp.address.split(':');
    const sockets: Socket[] = Array.from({ length: 20 }, () => connect(Number(port), host));
    const closed = sockets.map((s) => new Promise<void>((r) => s.on('close', () => r())));
    sockets.forEach((s) => s.on('error', () => undefined).resume());
    const settled = await Promise.race([Promise.all(closed).then(() => true), sleep(5000).then(() => false)]);
    sockets.forEach((s) => s.destroy());
    expect(settled).toBe(true);
  });

  it('refuses a call without metadata as UNAUTHENTICATED', async () => {
    const r = new CollectSession(collector(cp), new Metadata());
    expect((await r.ended)?.code).toBe(status.UNAUTHENTICATED);
  });
});
