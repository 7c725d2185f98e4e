import { ControlPlane, getppidCount, sleep, spawnAgent, WORKLOAD } from '@syscall-counter/test-support';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Issue 11: faults under a real agent's stream: a full disk, then space again.
// (The control plane SIGKILLed ten times is faults-restart.e2e.spec.ts.)
const N = 20000;

function stored(dbPath: string, runId: string): { getppid: bigint; snapshots: number; distinct: number } {
  const db = new Database(dbPath, { readonly: true });
  db.defaultSafeIntegers(true);
  try {
    const t = db.prepare('SELECT count FROM run_totals WHERE run_id = ? AND nr = 110').get(runId) as
      { count: bigint } | undefined;
    const s = db
      .prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d FROM snapshots WHERE run_id = ?')
      .get(runId) as { n: bigint; d: bigint };
    return { getppid: t?.count ?? 0n, snapshots: Number(s.n), distinct: Number(s.d) };
  } finally {
    db.close();
  }
}

/** The agent under rounds of N getppid calls, @pause seconds apart, until the file @stop exists. */
function agentRun(cp: ControlPlane, runId: string, stop: string, pause: number) {
  const script = `while [ ! -e ${stop} ]; do ${WORKLOAD} getppid ${N}; sleep ${pause}; done`;
  return spawnAgent([...cp.conn, '--run-id', runId, '-i', '1', '-o', 'csv', '--', 'sh', '-c', script]);
}

describe('faults during a real agent stream', () => {
  it('a full disk: snapshots wait unacked (never INTERNAL), and once space is back every count is stored', async () => {
    const mnt = join(require('node:os').tmpdir(), `sc-full-${process.pid}`);
    mkdirSync(mnt, { recursive: true });
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]).status).toBe(0);
    const cp = new ControlPlane({ SC_DB_PATH: join(mnt, 'history.db') });
    try {
      await cp.start();
      await sleep(300);
      // Fill what is left of the filesystem.
      spawnSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
      const { proc, done } = agentRun(cp, 'disk-full', join(cp.dir, 'stop'), 0.5);
      await sleep(3500);
      expect(cp.log).toMatch(/database or disk is full|disk is full/);
      expect(cp.log).not.toMatch(/"stream failed"/);
      rmSync(join(mnt, 'filler'));
      await sleep(1500);
      writeFileSync(join(cp.dir, 'stop'), '');
      const r = await done;
      expect(proc.exitCode).toBe(0);
      expect(stored(join(mnt, 'history.db'), 'disk-full').getppid).toBe(getppidCount(r.stdout));
      expect(getppidCount(r.stdout)).toBeGreaterThanOrEqual(BigInt(3 * N));
    } finally {
      await cp.stop();
      cp.cleanup();
      spawnSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  }, 120_000);
});
