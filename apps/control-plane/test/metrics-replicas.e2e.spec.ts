import {
  ControlPlane,
  METRICS_ON_FREE_PORT,
  metricsAddress,
  sampleValue,
  scrape,
  testEngine,
} from '@syscall-counter/test-support';

const N = 2345;
const GETPPID = 'syscall_counter_syscalls_total{host="shared-host",syscall="getppid"}';

// Several replicas share one database: only PostgreSQL (SC_TEST_DB=postgres) can.
(testEngine() === 'postgres' ? describe : describe.skip)('/metrics of two replicas over one PostgreSQL', () => {
  const a = new ControlPlane(METRICS_ON_FREE_PORT);
  const b = new ControlPlane(METRICS_ON_FREE_PORT);
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("each replica's cached host lines advance with the runs the other replica stores", async () => {
    await a.start();
    b.dbUrl = a.dbUrl; // the second replica joins the first one's (already migrated) database
    await b.start();
    const [atA, atB] = [await metricsAddress(a), await metricsAddress(b)];
    const getppid = async (address: string) => sampleValue((await scrape(address)).body, GETPPID);

    expect(a.runAgent('shared-host', 'shared-1', ['getppid', String(N)]).status).toBe(0);
    // Both replicas render (and cache) the host's lines.
    expect([await getppid(atA), await getppid(atB)]).toEqual([N, N]);
    expect(b.runAgent('shared-host', 'shared-2', ['getppid', String(N)]).status).toBe(0);
    // A's cache holds the first run only: its next scrape sees B's commit in the store.
    expect([await getppid(atA), await getppid(atB)]).toEqual([2 * N, 2 * N]);
    expect(a.runAgent('shared-host', 'shared-3', ['getppid', String(N)]).status).toBe(0);
    expect([await getppid(atB), await getppid(atA)]).toEqual([3 * N, 3 * N]);
  });
});
