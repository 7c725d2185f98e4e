import { kubeletIds } from './container-metrics';
import { latencySamples, nameOf, sharedRead } from './fleet-metrics';
import { bearerMatches } from './metrics-http.server';
import { renderTable } from './table-metric';
import { loadMetricsConfig } from './metrics-config';

describe('metrics: pure pieces', () => {
  it('a log2 latency histogram becomes cumulative le buckets in seconds, sum and count', () => {
    const row = (sub: bigint, count: bigint) => ({ host_id: 'h', arch: 'x86_64', nr: 110n, sub, count });
    const s = latencySamples('d', { host: 'h' }, [row(1n, 3n), row(3n, 2n), row(-1n, 50n), row(-2n, 1n)]);
    expect(s.map((x) => [x.metricName, x.labels.le, x.value])).toEqual([
      ['d_bucket', 2e-9, 0],
      ['d_bucket', 4e-9, 3],
      ['d_bucket', 8e-9, 3],
      ['d_bucket', 1.6e-8, 5],
      ['d_bucket', '+Inf', 5],
      ['d_sum', undefined, 50e-9],
      ['d_count', undefined, 5],
    ]);
  });

  it('names syscalls by the host arch, syscall_N when unknown', () => {
    expect(nameOf('x86_64', 110n)).toBe('getppid');
    expect(nameOf('aarch64', 173n)).toBe('getppid');
    expect(nameOf('x86_64', 999n)).toBe('syscall_999');
    expect(nameOf('sparc', 110n)).toBe('syscall_110');
  });

  it('checks the bearer token exactly', () => {
    expect(bearerMatches('Bearer abcdefghijklmnop', 'abcdefghijklmnop')).toBe(true);
    expect(bearerMatches('Bearer abcdefghijklmnoq', 'abcdefghijklmnop')).toBe(false);
    expect(bearerMatches('abcdefghijklmnop', 'abcdefghijklmnop')).toBe(false);
    expect(bearerMatches(undefined, 'abcdefghijklmnop')).toBe(false);
  });

  it('reads SC_METRICS_* with defaults, one clear line on a bad value', () => {
    expect(loadMetricsConfig({})).toEqual({ listen: '127.0.0.1:9436', token: undefined, containers: 0 });
    expect(loadMetricsConfig({ SC_METRICS_LISTEN: 'off', SC_METRICS_CONTAINERS: '10' })).toEqual({
      listen: undefined,
      token: undefined,
      containers: 10,
    });
    expect(() => loadMetricsConfig({ SC_METRICS_LISTEN: '9436' })).toThrow("SC_METRICS_LISTEN '9436' is not HOST:PORT");
    expect(() => loadMetricsConfig({ SC_METRICS_TOKEN: 'short' })).toThrow('at least 16 characters');
    expect(() => loadMetricsConfig({ SC_METRICS_CONTAINERS: '-1' })).toThrow('SC_METRICS_CONTAINERS');
  });

  it("finds the pod uid and container id in the kubelet's cgroup paths, nothing elsewhere", () => {
    const id = 'ab'.repeat(32);
    const uid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const want = { pod_uid: uid, container_id: id };
    const systemd = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid.replace(/-/g, '_')}.slice`;
    expect(kubeletIds(`${systemd}/cri-containerd-${id}.scope`)).toEqual(want);
    expect(kubeletIds(`${systemd}/crio-${id}.scope`)).toEqual(want);
    expect(kubeletIds(`/kubepods/burstable/pod${uid}/${id}`)).toEqual(want);
    expect(kubeletIds(`/kubepods/pod${uid}/${id}`)).toEqual(want);
    expect(kubeletIds(`/system.slice/docker-${id}.scope`)).toBeUndefined();
    expect(kubeletIds(`/kubepods/burstable/pod${uid}`)).toBeUndefined();
  });

  it('formats a stored family in both formats: escaped labels, OpenMetrics counter family without _total', () => {
    const m = {
      name: 'x_total',
      help: 'Calls.',
      type: 'counter' as const,
      read: () => [{ labels: { host: 'a"b\\c', syscall: 'read' }, value: 3 }],
    };
    const line = 'x_total{host="a\\"b\\\\c",syscall="read"} 3\n';
    expect(renderTable(m, false)).toBe('# HELP x_total Calls.\n# TYPE x_total counter\n' + line);
    expect(renderTable(m, true)).toBe('# HELP x Calls.\n# TYPE x counter\n' + line);
  });

  it('two families of one scrape share one read; a second without a first reads afresh', async () => {
    let reads = 0;
    const shared = sharedRead(async () => [++reads]);
    expect([await shared.first(), await shared.second()]).toEqual([[1], [1]]);
    expect(await shared.second()).toEqual([2]);
    await shared.first(); // a scrape that failed before its second family: the next scrape reads again
    expect([await shared.first(), await shared.second()]).toEqual([[4], [4]]);
    expect(reads).toBe(4);
  });
});
