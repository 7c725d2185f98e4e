import { Client, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { GroupBy, Scope } from '@syscall-counter/proto';
import { ControlPlane, testEngine } from '@syscall-counter/test-support';
import { auth, collector, CollectSession, hello, queries, snapshot, unary } from './grpc-client';
import { CASES_PER_KIND, CASES_PER_KIND_REDUCED, MalformedCase, malformedCases } from './malformed-messages';

// Issue 11's hardening suite: generated malformed Collect messages, each refused with its exact
// status, and a reference host whose history stays exactly as it was.
const CONCURRENCY = 24;
// All 10,000 on SQLite; on PostgreSQL the same ten classes, 1,000 cases (see CASES_PER_KIND_REDUCED).
const PER_KIND = testEngine() === 'postgres' ? CASES_PER_KIND_REDUCED : CASES_PER_KIND;
const TOTAL = Object.values(PER_KIND).reduce((a, n) => a + n, 0);

/** Sends @c's messages as raw bytes on one Collect stream; resolves to how it ended. */
function play(client: Client, md: Metadata, c: MalformedCase): Promise<ServiceError | null> {
  const call = client.makeBidiStreamRequest<Buffer, Buffer>(
    '/syscall_counter.v1.CollectorService/Collect',
    (b) => b,
    (b) => b,
    md,
  );
  return new Promise((res) => {
    call.on('data', () => undefined);
    call.on('error', (e: ServiceError) => res(e));
    call.on('end', () => res(null));
    for (const m of c.messages) call.write(m);
    call.end();
  });
}

describe(`hardening: ${TOTAL.toLocaleString('en')} generated malformed collector messages in 10 classes`, () => {
  const cp = new ControlPlane({ SC_MAX_MESSAGE_BYTES: '65536' });
  beforeAll(() => cp.start());
  afterAll(() => cp.close());

  async function referenceHistory() {
    const [hosts, runs, top] = await Promise.all([
      unary(queries(cp), 'listHosts', {}),
      unary(queries(cp), 'listRuns', { hostId: 'ref-host' }),
      unary(queries(cp), 'top', {
        scope: Scope.fromPartial({ hostId: 'ref-host' }),
        by: GroupBy.GROUP_BY_SYSCALL,
        limit: 0,
      }),
    ]);
    const ref = (hosts as { hosts: Array<{ hostId: string }> }).hosts.filter((h) => h.hostId === 'ref-host');
    return { ref, runs, top };
  }

  it('refuses every one with its status, never INTERNAL, and leaves the reference host unchanged', async () => {
    const s = new CollectSession(collector(cp), auth());
    s.send(hello('ref-run', 'ref-host'));
    for (let seq = 1; seq <= 3; seq++) s.send(snapshot('ref-run', seq, { 39: 100 * seq, 0: seq }));
    await s.next(4);
    s.close();
    await s.ended;
    const before = await referenceHistory();
    expect(before.ref).toHaveLength(1);

    const cases = malformedCases(PER_KIND);
    expect(cases.length).toBeGreaterThanOrEqual(PER_KIND === CASES_PER_KIND ? 10_000 : 1_000);
    const client = new Client(cp.address, credentials.createInsecure());
    const md = auth();
    const wrong: string[] = [];
    const byKind = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++];
        const err = await play(client, md, c);
        if (err?.code !== c.expect)
          wrong.push(`${c.kind}: expected ${status[c.expect]}, got ${err ? status[err.code] : 'OK'} ${err?.details}`);
        else byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    client.close();

    expect(wrong.slice(0, 5)).toEqual([]);
    expect(byKind.size).toBe(10);
    expect(Object.fromEntries(byKind)).toEqual(PER_KIND);
    expect(await referenceHistory()).toEqual(before);
    expect(cp.log).not.toMatch(/"stream failed"/);
  }, 180_000);
});
