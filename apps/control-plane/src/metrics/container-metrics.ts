import { nameOf } from './fleet-metrics';
import { HostCgroupRow, MetricsRepository } from './metrics.repository';
import { Labels, Sample, TableMetric } from './table-metric';

/**
 * The hook for pod names and namespaces: they need the Kubernetes API server, which the control
 * plane does not talk to. Provide one (e.g. from an informer's cache) under the POD_METADATA token
 * and the per-container series gain `pod` and `namespace` labels; without one they carry only what
 * the cgroup path says (pod_uid, container_id), never a guess.
 */
export interface PodMetadata {
  lookup(podUid: string): { pod: string; namespace: string } | undefined;
}

export const POD_METADATA = Symbol('POD_METADATA');

export const NO_POD_METADATA: PodMetadata = { lookup: () => undefined };

const POD_UID = '[0-9a-f]{8}[-_](?:[0-9a-f]{4}[-_]){3}[0-9a-f]{12}';
const KUBELET_PATH = new RegExp(
  `/kubepods[^/]*/(?:.*/)?[^/]*pod(${POD_UID})(?:\\.slice)?/(?:[a-z-]*-)?([0-9a-f]{64})(?:\\.scope)?$`,
);

/**
 * The pod uid and container id in a cgroup path laid out by the kubelet, with the systemd driver
 * (.../kubepods-burstable-pod<uid with _>.slice/cri-containerd-<id>.scope) or cgroupfs
 * (/kubepods/burstable/pod<uid>/<id>); undefined for any other path.
 */
export function kubeletIds(path: string): { pod_uid: string; container_id: string } | undefined {
  const m = KUBELET_PATH.exec(path);
  return m ? { pod_uid: m[1].replace(/_/g, '-'), container_id: m[2] } : undefined;
}

/** The label a cgroup is known by: the runtime's container id or systemd unit, else its path. */
function containerLabel(r: HostCgroupRow): string {
  if (!r.path) return 'other';
  return r.container || r.path;
}

/**
 * Per host, the K containers with the most calls over the host's history get their own series;
 * every other container (and the agent's own "other" cgroup) is summed into container="other".
 * So a host has at most K + 1 container values, whatever runs on it. A container moving into or
 * out of the K busiest moves its counts between its series and "other", which rate() reads as a
 * counter reset of those two series.
 */
export function containerSamples(rows: HostCgroupRow[], k: number, pods: PodMetadata): Sample[] {
  const byHost = new Map<string, HostCgroupRow[]>();
  for (const r of rows) byHost.set(r.host_id, [...(byHost.get(r.host_id) ?? []), r]);
  const out: Sample[] = [];
  for (const [host, hostRows] of byHost) {
    const totals = new Map<string, bigint>();
    for (const r of hostRows) {
      const label = containerLabel(r);
      if (label !== 'other') totals.set(label, (totals.get(label) ?? 0n) + r.count);
    }
    const kept = new Set(
      [...totals]
        .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0])))
        .slice(0, k)
        .map(([label]) => label),
    );
    const series = new Map<string, { labels: Labels; value: number }>();
    for (const r of hostRows) {
      const own = kept.has(containerLabel(r));
      const container = own ? containerLabel(r) : 'other';
      const syscall = nameOf(r.arch, r.nr);
      const key = `${container}\0${syscall}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { labels: { host, container, syscall, ...(own ? idsOf(r, pods) : {}) }, value: 0 }));
      s.value += Number(r.count);
    }
    out.push(...series.values());
  }
  return out;
}

function idsOf(r: HostCgroupRow, pods: PodMetadata): Labels {
  const ids = kubeletIds(r.path);
  if (!ids) return {};
  const meta = pods.lookup(ids.pod_uid);
  return { ...ids, ...(meta ? { pod: meta.pod, namespace: meta.namespace } : {}) };
}

/** syscall_counter_container_syscalls_total, when SC_METRICS_CONTAINERS=K is set (K > 0). */
export function containerMetric(repo: MetricsRepository, k: number, pods: PodMetadata): TableMetric {
  return {
    name: 'syscall_counter_container_syscalls_total',
    help: "System calls per host, container and syscall: each host's K busiest containers, the rest as other.",
    type: 'counter',
    read: async () => containerSamples(await repo.cgroups(), k, pods),
  };
}
