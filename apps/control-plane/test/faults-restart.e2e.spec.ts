import {
  ControlPlane,
  freePort,
  getppidCount,
  sleep,
  spawnAgent,
  SqlReader,
  WORKLOAD,
} from '@syscall-counter/test-support';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Issue 11: the control plane SIGKILLed ten times under a real agent's stream. Each kill waits
// until the current incarnation has stored a snapshot the agent read after it was listening (an
// observable condition, not a sleep): every round proves a reconnect and a caught-up backlog, and
// the totals stored at the end equal the agent's own.
const N = 20000;
const KILLS = 10;
const RUN = 'killed-10';
/** How long one incarnation may take to store a fresh snapshot: the agent's backoff is at most 6 s. */
const RECONNECT_MS = 20_000;

function stored(cp: ControlPlane): { timeMs: number; getppid: bigint; snapshots: number; distinct: number } {
  let db: SqlReader | undefined;
  try {
    db = cp.db();
    const t = db.prepare('SELECT count FROM run_totals WHERE run_id = ? AND nr = 110').get(RUN) as
      { count: bigint | number } | undefined;
    const s = db
      .prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MAX(time_ms) AS t FROM snapshots WHERE run_id = ?')
      .get(RUN) as { n: number; d: number; t: number | null };
    return { timeMs: Number(s.t ?? 0), getppid: BigInt(t?.count ?? 0), snapshots: Number(s.n), distinct: Number(s.d) };
  } catch {
    // A file just left by a killed process may not open read-only for a moment: nothing seen yet.
    return { timeMs: 0, getppid: 0n, snapshots: 0, distinct: 0 };
  } finally {
    db?.close();
  }
}

/** Resolves once a snapshot the agent read from now on is stored: it reconnected, and caught up. */
async function storedFromNow(cp: ControlPlane): Promise<void> {
  const t0 = Date.now();
  while (stored(cp).timeMs < t0) {
    if (Date.now() - t0 > RECONNECT_MS)
      throw new Error(`no snapshot read after ${t0} stored within ${RECONNECT_MS} ms`);
    await sleep(100);
  }
}

describe('the control plane SIGKILLed under a real agent stream', () => {
  it(`${KILLS} kills mid-stream: every incarnation stores, and the stored totals equal the agent’s own`, async () => {
    const cp = new ControlPlane();
    const port = await freePort();
    await cp.start(port);
    const stop = join(cp.dir, 'stop');
    const script = `while [ ! -e ${stop} ]; do ${WORKLOAD} getppid ${N}; sleep 0.2; done`;
    try {
      // A long stop grace: the final snapshot may meet the agent in a backoff after the last kill.
      const { proc, done } = spawnAgent([
        ...cp.conn,
        ...['--run-id', RUN, '-i', '1', '--stop-grace', '30', '-o', 'csv'],
        ...['--', 'sh', '-c', script],
      ]);
      let said = '';
      proc.stderr!.on('data', (d) => (said += d));
      const reconnected = () =>
        storedFromNow(cp).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${said}`)));
      for (let k = 0; k < KILLS; k++) {
        await reconnected();
        await cp.stop('SIGKILL');
        await cp.start(port);
      }
      await reconnected();
      writeFileSync(stop, '');
      const r = await done;
      expect(proc.exitCode === 0 ? '' : r.stderr).toBe('');
      const agentTotal = getppidCount(r.stdout);
      expect(agentTotal).toBeGreaterThanOrEqual(BigInt(KILLS * N));
      const s = stored(cp);
      expect(s.getppid).toBe(agentTotal);
      expect(s.distinct).toBe(s.snapshots);
    } finally {
      await cp.close();
    }
  }, 180_000);
});
