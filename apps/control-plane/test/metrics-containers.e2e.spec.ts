import { randomBytes, randomUUID } from 'node:crypto';
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroup2Root,
  ControlPlane,
  inCgroup,
  makeCgroup,
  METRICS_ON_FREE_PORT,
  metricsAddress,
  Prometheus,
  scrape,
  WORKLOAD,
} from '@syscall-counter/test-support';
import { collector, CollectSession, auth, hello, snapshot } from './grpc-client';

const K = 10;
// Fresh per run: cgroups are machine-wide, and the suites of several worktrees run at once.
const POD_UID = randomUUID();
const CONTAINER_ID = randomBytes(32).toString('hex');
// The kubelet's layout with the systemd cgroup driver and containerd.
const POD_SLICE = `kubepods-burstable-pod${POD_UID.replace(/-/g, '_')}.slice`;
const LEVELS = ['kubepods.slice', 'kubepods-burstable.slice', POD_SLICE, `cri-containerd-${CONTAINER_ID}.scope`];

function containerSeries(body: string, host: string): Array<{ container: string; value: number; line: string }> {
  return body
    .split('\n')
    .filter((l) => l.startsWith('syscall_counter_container_syscalls_total{') && l.includes(`host="${host}"`))
    .map((line) => ({ container: /container="([^"]*)"/.exec(line)![1], value: Number(line.split(' ').pop()), line }));
}

describe('/metrics per container (SC_METRICS_CONTAINERS=10)', () => {
  let cp: ControlPlane;
  let address: string;
  let prom: Prometheus | undefined;
  const dirs = LEVELS.map((_, i) => join(cgroup2Root(), ...LEVELS.slice(0, i + 1)));

  beforeAll(async () => {
    cp = new ControlPlane({ ...METRICS_ON_FREE_PORT, SC_METRICS_CONTAINERS: String(K) });
    await cp.start();
    address = await metricsAddress(cp);
  });
  afterAll(async () => {
    await prom?.close();
    await cp.close();
    // This run's pod and container; the kubepods slices above them only if no other run uses them.
    for (const [i, d] of [...dirs.entries()].reverse()) {
      try {
        rmdirSync(d);
      } catch (e) {
        if (i >= 2) throw e;
      }
    }
  });

  it('50 containers on a host give K + 1 = 11 container values, the counts all kept', async () => {
    const client = collector(cp);
    const s = new CollectSession(client, auth());
    s.send({ hello: { ...hello('run-50', 'host-50').hello, cgroupTopK: 50 } });
    // Container i makes 100 + i calls of getppid (110): 5,000 + 1,225 in all.
    const cgroups = Array.from({ length: 50 }, (_, i) => ({
      path: `/system.slice/docker-${String(i).padStart(64, '0')}.scope`,
      container: `docker:${String(i).padStart(12, '0')}`,
      nr: 110,
      count: String(100 + i),
    }));
    s.send({ snapshot: { ...snapshot('run-50', 1, { 110: 6225 }).snapshot, cgroups } });
    await s.next(2);
    s.close();
    await s.ended;
    client.close();

    const series = containerSeries((await scrape(address)).body, 'host-50');
    expect(series).toHaveLength(K + 1);
    expect(new Set(series.map((x) => x.container)).size).toBe(K + 1);
    // The 10 busiest are containers 40..49; the other 40 (100..139 calls each) sum into "other".
    expect(series.find((x) => x.container === 'other')!.value).toBe(40 * 100 + (39 * 40) / 2);
    expect(series.find((x) => x.container === 'docker:000000000049')!.value).toBe(149);
    expect(series.reduce((sum, x) => sum + x.value, 0)).toBe(6225);
  });

  it('a workload in a kubelet pod cgroup: its exact count through PromQL, with pod_uid and container_id', async () => {
    makeCgroup(join(...LEVELS));
    const N = 3000;
    const r = cp.runAgent('pod-host', 'pod-run', ['sh', '-c', inCgroup(dirs[3], `${WORKLOAD} getppid ${N}`)], ['-C']);
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    prom = new Prometheus();
    await prom.start([address]);
    const q = `syscall_counter_container_syscalls_total{host="pod-host",syscall="getppid",pod_uid="${POD_UID}"}`;
    const [series] = await prom.waitFor(q, (res) => res.length === 1);
    expect(series.metric).toMatchObject({
      container: `containerd:${CONTAINER_ID.slice(0, 12)}`,
      container_id: CONTAINER_ID,
    });
    expect(Number(series.value[1])).toBe(N);
  });
});
