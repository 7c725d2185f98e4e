import { INestApplicationContext } from '@nestjs/common';
import { IngestService } from '../collection/ingest.service';
import { hello, inMemoryApp, snapshot, streamRun } from '../testing/in-memory-app';
import { sampleValue } from '@syscall-counter/test-support';
import { HOSTS_PER_READ, MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

// More hosts than one read holds, so a scrape reads several; syscall numbers past the table.
const HOSTS = HOSTS_PER_READ + 5;
const SYSCALLS = 338; // x86_64 has no 337: the last is syscall_337

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
    const lines = body
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('syscall_counter_syscalls_total{'));
    expect(lines).toHaveLength(HOSTS * SYSCALLS);
    expect(new Set(lines.map((l) => l.split(' ')[0])).size).toBe(HOSTS * SYSCALLS);
    const total = lines.reduce((s, l) => s + Number(l.split(' ')[1]), 0);
    expect(total).toBe(((HOSTS * (HOSTS + 1)) / 2) * ((SYSCALLS * (SYSCALLS + 1)) / 2));
    expect(lines).toContain('syscall_counter_syscalls_total{host="host-3",syscall="getppid"} 444');
    expect(lines).toContain(
      `syscall_counter_syscalls_total{host="host-4",syscall="syscall_${SYSCALLS - 1}"} ${5 * SYSCALLS}`,
    );
  });

  it('a host whose counts moved is read again (new snapshot, new run); the others are served as cached', async () => {
    const metrics = app.get(MetricsService);
    const repo = app.get(MetricsRepository);
    const getppid = (body: Buffer, host: string) =>
      sampleValue(body.toString(), `syscall_counter_syscalls_total{host="${host}",syscall="getppid"}`);
    const before = (await metrics.render(undefined)).body;
    expect(getppid(before, 'host-3')).toBe(444);
    const ingest = app.get(IngestService);
    const run = await ingest.hello(hello({ hostId: 'host-3', runId: 'run-3' }));
    const counts = Array.from({ length: SYSCALLS }, (_, nr): [number, number] => [
      nr,
      4 * (nr + 1) + (nr === 110 ? 7 : 0),
    ]);
    await ingest.ingest(run, snapshot('run-3', 2, 2000, counts));
    const read = jest.spyOn(repo, 'hostCounts');
    const after = (await metrics.render('application/openmetrics-text')).body;
    expect(getppid(after, 'host-3')).toBe(451);
    expect(getppid(after, 'host-2')).toBe(333);
    expect(read.mock.calls).toEqual([[['host-3']]]);
    // A new run of the host adds to its series.
    await streamRun(ingest, hello({ hostId: 'host-3', runId: 'run-3b' }), [snapshot('run-3b', 1, 3000, [[110, 9]])]);
    expect(getppid((await metrics.render(undefined)).body, 'host-3')).toBe(460);
    expect(read.mock.calls).toEqual([[['host-3']], [['host-3']]]);
    // Nothing moved: nothing read, the same body.
    const again = (await metrics.render(undefined)).body;
    expect(read).toHaveBeenCalledTimes(2);
    expect(getppid(again, 'host-3')).toBe(460);
    read.mockRestore();
  });
});
