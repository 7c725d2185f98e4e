import { INestApplicationContext } from '@nestjs/common';
import { IngestService } from '../collection/ingest.service';
import { hello, inMemoryApp, snapshot, streamRun } from '../testing/in-memory-app';
import { COUNTS_PAGE } from './fleet-metrics';
import { MetricsService } from './metrics.service';

// More (host, syscall) rows than one page holds, so a scrape reads several pages.
const HOSTS = 5;
const SYSCALLS = Math.ceil((COUNTS_PAGE + 1) / HOSTS) + 1;

describe('/metrics over the store: syscall_counter_syscalls_total read in pages', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await inMemoryApp();
    const ingest = app.get(IngestService);
    for (let h = 0; h < HOSTS; h++) {
      // Host h makes (h + 1) * (nr + 1) calls of syscall nr; numbers above the table are syscall_N.
      const counts = Array.from({ length: SYSCALLS }, (_, nr): [number, number] => [nr, (h + 1) * (nr + 1)]);
      await streamRun(ingest, hello({ hostId: `host-${h}`, runId: `run-${h}` }), [
        snapshot(`run-${h}`, 1, 1000, counts),
      ]);
    }
  });
  afterAll(() => app.close());

  it('every host and syscall exactly once, with its exact count, across page boundaries', async () => {
    const { body } = await app.get(MetricsService).render(undefined);
    const lines = body.split('\n').filter((l) => l.startsWith('syscall_counter_syscalls_total{'));
    expect(lines).toHaveLength(HOSTS * SYSCALLS);
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(HOSTS * SYSCALLS);
    const total = lines.reduce((s, l) => s + Number(l.split(' ')[1]), 0);
    expect(total).toBe(((HOSTS * (HOSTS + 1)) / 2) * ((SYSCALLS * (SYSCALLS + 1)) / 2));
    expect(lines).toContain('syscall_counter_syscalls_total{host="host-3",syscall="getppid"} 444');
    expect(lines).toContain(
      `syscall_counter_syscalls_total{host="host-4",syscall="syscall_${SYSCALLS - 1}"} ${5 * SYSCALLS}`,
    );
  });
});
