import { status } from '@grpc/grpc-js';
import { GroupBy, Scope, TopResponse } from '@syscall-counter/proto';
import { ControlPlane, sleep } from '@syscall-counter/test-support';
import { auth, collector, CollectSession, hello, queries, rawCollect, snapshot, unary } from './grpc-client';

/** A snapshot of an --errors run: @failed failures of close (nr 3). */
function withFailures(s: ReturnType<typeof snapshot>, failed: string) {
  return { snapshot: { ...s.snapshot, failures: [{ nr: 3, errnoCode: 0, count: failed }] } };
}

describe('CollectorService.Collect against a real control plane and SQLite file', () => {
  const cp = new ControlPlane({ SC_MAX_MESSAGE_BYTES: '65536' });

  beforeAll(() => cp.start());
  afterAll(async () => {
    await cp.stop();
    cp.cleanup();
  });

  async function top(runId: string): Promise<Record<string, string>> {
    const resp = await unary<unknown, TopResponse>(queries(cp), 'top', {
      scope: Scope.fromPartial({ runId }),
      by: GroupBy.GROUP_BY_SYSCALL,
      limit: 0,
    });
    return Object.fromEntries(resp.rows.map((r) => [r.nr === -2 ? 'other' : String(r.nr), r.count]));
  }

  it(
    'welcomes, acks each snapshot after storing it, ' + 'and stores deltas that add up to the last cumulative counts',
    async () => {
      const s = new CollectSession(collector(cp), auth());
      s.send(hello('run-1'));
      s.send(snapshot('run-1', 1, { 110: 5, 0: 2 }, 1));
      s.send(snapshot('run-1', 2, { 110: 12, 0: 2, [-1]: 3 }, 4));
      s.send(snapshot('run-1', 3, { 110: '9007199254740993', 0: 2, [-1]: 3 }, 4, true)); // 2^53+1
      const r = await s.next(4);
      expect(r[0]).toEqual({ welcome: { runId: 'run-1', lastAckedSeq: '0' } });
      expect(r.slice(1)).toEqual([1, 2, 3].map((seq) => ({ ack: { runId: 'run-1', seq: String(seq) } })));
      s.close();
      expect(await s.ended).toBeNull();
      expect(await top('run-1')).toEqual({ '110': '9007199254740993', '0': '2', '-1': '3', other: '4' });
      const db = cp.db();
      expect(db.prepare("SELECT seq, total FROM snapshots WHERE run_id = 'run-1' ORDER BY seq").all()).toEqual([
        { seq: 1, total: 8 },
        { seq: 2, total: 13 },
        { seq: 3, total: 9007199254740981 },
      ]);
      expect(db.prepare("SELECT last_seq, finished FROM runs WHERE run_id = 'run-1'").get()).toEqual({
        last_seq: 3,
        finished: 1,
      });
      db.close();
    },
  );

  it(
    'acks a repeated (run, seq) without storing it twice, ' + 'and tells a reconnecting agent where to resume',
    async () => {
      const s = new CollectSession(collector(cp), auth());
      s.send(hello('run-1'));
      s.send(snapshot('run-1', 2, { 110: 12, 0: 2, [-1]: 3 }, 4));
      const r = await s.next(2);
      expect(r[0]).toEqual({ welcome: { runId: 'run-1', lastAckedSeq: '3' } });
      expect(r[1]).toEqual({ ack: { runId: 'run-1', seq: '2' } });
      s.close();
      const db = cp.db();
      expect(db.prepare("SELECT COUNT(*) AS n FROM snapshots WHERE run_id = 'run-1'").get()).toEqual({ n: 3 });
      db.close();
      expect((await top('run-1'))['110']).toBe('9007199254740993');
    },
  );

  it.each([
    [
      'a counter that goes backwards',
      [snapshot('run-b', 1, { 110: 10 }), snapshot('run-b', 2, { 110: 9 })],
      status.FAILED_PRECONDITION,
      /counter of nr 110 went backwards .* 10 -> 9/,
    ],
    [
      'a counter that disappears',
      [snapshot('run-b', 1, { 110: 10 }), snapshot('run-b', 2, { 0: 1 })],
      status.FAILED_PRECONDITION,
      /went backwards/,
    ],
    [
      'an id outside the table',
      [snapshot('run-b', 1, { 1024: 1 })],
      status.INVALID_ARGUMENT,
      /nr 1024 is outside the table's range \[-1, 1023\]/,
    ],
    [
      'a count past 2^63-1',
      [snapshot('run-b', 1, { 1: '9223372036854775808' })],
      status.INVALID_ARGUMENT,
      /exceeds 2\^63-1/,
    ],
    [
      'a snapshot of another run',
      [snapshot('run-other', 1, { 1: 1 })],
      status.FAILED_PRECONDITION,
      /names run 'run-other'/,
    ],
    [
      'failures that go backwards',
      [withFailures(snapshot('run-b', 1, { 3: 10 }), '4'), withFailures(snapshot('run-b', 2, { 3: 20 }), '3')],
      status.FAILED_PRECONDITION,
      /failure of nr 3, errno_code 0 went backwards .* 4 -> 3/,
    ],
  ])('rejects %s with a clear status and keeps history intact', async (_what, snaps, code, message) => {
    const runId = `run-b-${code}-${Math.random().toString(36).slice(2, 8)}`;
    const s = new CollectSession(collector(cp), auth());
    s.send({ hello: { ...hello(runId).hello, errors: true } });
    for (const snap of snaps) {
      const fixed = JSON.parse(JSON.stringify(snap).replace(/"run-b"/g, JSON.stringify(runId)));
      s.send(fixed);
    }
    const err = await s.ended;
    expect(err?.code).toBe(code);
    expect(err?.details).toMatch(message);
    // Whatever was acked before the bad message is all that is stored for the run.
    const acked = s.responses.filter((r) => r.ack).length;
    const db = cp.db();
    expect(db.prepare('SELECT COUNT(*) AS n FROM snapshots WHERE run_id = ?').get(runId)).toEqual({ n: acked });
    db.close();
    expect((await top('run-1'))['110']).toBe('9007199254740993');
  });

  it('commits many streams together, yet one bad snapshot rolls back alone', async () => {
    const good = Array.from({ length: 5 }, () => new CollectSession(collector(cp), auth()));
    const bad = new CollectSession(collector(cp), auth());
    good.forEach((s, i) => s.send(hello(`run-group-${i}`)));
    bad.send(hello('run-group-bad'));
    bad.send(snapshot('run-group-bad', 1, { 110: 10 }));
    await Promise.all([...good.map((s) => s.next(1)), bad.next(2)]);
    // In one turn: a good snapshot on each stream and a backwards one on the bad stream.
    good.forEach((s, i) => s.send(snapshot(`run-group-${i}`, 1, { 110: 100 + i })));
    bad.send(snapshot('run-group-bad', 2, { 110: 5 }));
    const acks = await Promise.all(good.map((s) => s.next(2)));
    expect(acks.map((r) => r[1])).toEqual(good.map((_, i) => ({ ack: { runId: `run-group-${i}`, seq: '1' } })));
    expect((await bad.ended)?.code).toBe(status.FAILED_PRECONDITION);
    for (let i = 0; i < good.length; i++) expect((await top(`run-group-${i}`))['110']).toBe(String(100 + i));
    expect((await top('run-group-bad'))['110']).toBe('10');
    good.forEach((s) => s.close());
  });

  it('rejects a snapshot before any hello: unknown run', async () => {
    const s = new CollectSession(collector(cp), auth());
    s.send(snapshot('run-x', 1, { 1: 1 }));
    const err = await s.ended;
    expect(err?.code).toBe(status.FAILED_PRECONDITION);
    expect(err?.details).toMatch(/unknown run: send a hello before snapshots/);
  });

  it.each([
    ['a wrong token', auth('not-the-token-at-all'), /wrong token/],
    ['no token', undefined, /missing token/],
  ])('rejects %s with UNAUTHENTICATED and logs it', async (_what, md, message) => {
    const s = new CollectSession(collector(cp), md ?? new (require('@grpc/grpc-js').Metadata)());
    s.send(hello('run-auth'));
    const err = await s.ended;
    expect(err?.code).toBe(status.UNAUTHENTICATED);
    expect(err?.details).toMatch(message);
    // The control plane writes its log line as it answers: its stderr may reach us a moment after the status.
    for (let i = 0; i < 50 && !/rejected call/.test(cp.log); i++) await sleep(20);
    expect(cp.log).toMatch(/rejected call/);
    const db = cp.db();
    expect(db.prepare("SELECT COUNT(*) AS n FROM runs WHERE run_id = 'run-auth'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('rejects an oversized message with RESOURCE_EXHAUSTED', async () => {
    const s = new CollectSession(collector(cp), auth());
    s.send(hello('run-big'));
    const big = snapshot('run-big', 1, {});
    big.snapshot.runId = 'x'.repeat(70000);
    s.send(big);
    const err = await s.ended;
    expect(err?.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('rejects bytes that are not a CollectRequest and stores nothing', async () => {
    const before = cp.db().prepare('SELECT COUNT(*) AS n FROM snapshots').get();
    const err = await rawCollect(cp, Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(err).not.toBeNull();
    expect([status.INTERNAL, status.INVALID_ARGUMENT]).toContain(err!.code);
    expect(err!.details).toMatch(/deserializ/i);
    expect(cp.db().prepare('SELECT COUNT(*) AS n FROM snapshots').get()).toEqual(before);
  });

  it('answers queries for unknown hosts and runs with NOT_FOUND', async () => {
    await expect(
      unary(queries(cp), 'top', {
        scope: Scope.fromPartial({ hostId: 'nope' }),
        by: GroupBy.GROUP_BY_SYSCALL,
        limit: 0,
      }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND, details: "unknown host 'nope'" });
    await expect(unary(queries(cp), 'listRuns', { hostId: 'nope' })).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(unary(queries(cp), 'listHosts', {}, auth('wrong-token-wrong-token'))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });
});
