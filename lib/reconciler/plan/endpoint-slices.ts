/**
 * EndpointSlices for the database Services. The Services have no selector
 * (a database is served by whichever node's proxy Redis Enterprise binds its
 * endpoint to, which no label can express), so the reconciler writes their
 * slices: one per Service, listing the pods whose IP is one of the endpoint's
 * node addresses (`bdb.endpoints[].addr`, the nodes' internal addresses, which
 * are the pod IPs given at bootstrap).
 */
import { Endpoint, EndpointSlice, Pod } from '../io/kube-types';
import { Bdb } from '../io/re-types';
import { SLICE_MANAGED_BY_LABEL, SERVICE_NAME_LABEL, SLICE_MANAGER, clusterLabels } from '../../contract/labels';

/** Service port name the construct gives database Services (official operator: `redis`). */
export const DATABASE_PORT_NAME = 'redis';

export interface SliceTarget {
  serviceName: string;
  bdb: Bdb;
}

function podReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Node addresses serving the database, from all its endpoints, de-duplicated and sorted. */
export function servingAddresses(bdb: Bdb): string[] {
  const addrs = new Set<string>();
  for (const e of bdb.endpoints ?? []) for (const a of e.addr ?? []) addrs.add(a);
  return [...addrs].sort();
}

export function desiredSlice(target: SliceTarget, pods: Pod[], cluster: string, namespace: string): EndpointSlice {
  const addresses = servingAddresses(target.bdb);
  const byIp = new Map<string, Pod>();
  for (const p of pods) if (p.status?.podIP) byIp.set(p.status.podIP, p);
  const endpoints: Endpoint[] = [];
  for (const ip of addresses) {
    const pod = byIp.get(ip);
    // An address no pod has (a node being replaced) is left out rather than
    // sending clients to an IP nobody owns.
    if (!pod) continue;
    const ready = podReady(pod);
    const endpoint: Endpoint = {
      addresses: [ip],
      conditions: { ready, serving: ready, terminating: false },
      targetRef: { kind: 'Pod', name: pod.metadata.name, namespace, uid: pod.metadata.uid },
    };
    if (pod.spec?.nodeName) endpoint.nodeName = pod.spec.nodeName;
    endpoints.push(endpoint);
  }
  const port = target.bdb.endpoints?.[0]?.port ?? target.bdb.port;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: target.serviceName,
      namespace,
      labels: {
        ...clusterLabels(cluster),
        [SERVICE_NAME_LABEL]: target.serviceName,
        [SLICE_MANAGED_BY_LABEL]: SLICE_MANAGER,
      },
    },
    addressType: addresses.some((a) => a.includes(':')) ? 'IPv6' : 'IPv4',
    endpoints,
    ports: port ? [{ name: DATABASE_PORT_NAME, port, protocol: 'TCP' }] : [],
  };
}

function normalizedEndpoints(endpoints: Endpoint[] | null | undefined): string {
  return JSON.stringify((endpoints ?? []).map((e) => ({
    a: [...e.addresses].sort(),
    r: e.conditions?.ready ?? null,
    s: e.conditions?.serving ?? null,
    t: e.conditions?.terminating ?? null,
    n: e.nodeName ?? null,
    p: e.targetRef?.name ?? null,
  })).sort((x, y) => x.a[0].localeCompare(y.a[0])));
}

/** True when the live slice already says what `desired` says (our labels, type, ports, endpoints). */
export function sliceInLine(desired: EndpointSlice, live: EndpointSlice): boolean {
  const labels = live.metadata.labels ?? {};
  for (const [k, v] of Object.entries(desired.metadata.labels ?? {})) if (labels[k] !== v) return false;
  if (live.addressType !== desired.addressType) return false;
  const ports = (p: EndpointSlice['ports']) => JSON.stringify((p ?? []).map((x) => [x.name ?? '', x.port ?? 0, x.protocol ?? 'TCP']));
  if (ports(live.ports) !== ports(desired.ports)) return false;
  return normalizedEndpoints(live.endpoints) === normalizedEndpoints(desired.endpoints);
}

export interface SlicePlan {
  create: EndpointSlice[];
  /** Desired slices carrying the live resourceVersion (optimistic concurrency). */
  replace: EndpointSlice[];
  delete: string[];
}

/**
 * What to write so that the owned slices are exactly `desired`. Owned slices
 * for Services that are no longer desired are deleted (they hold no data).
 * `addressType` is immutable, so a changed type is a delete plus a create.
 */
export function planSlices(desired: EndpointSlice[], live: EndpointSlice[]): SlicePlan {
  const plan: SlicePlan = { create: [], replace: [], delete: [] };
  const liveByName = new Map(live.map((s) => [s.metadata.name, s]));
  const wanted = new Set<string>();
  for (const d of desired) {
    wanted.add(d.metadata.name);
    const l = liveByName.get(d.metadata.name);
    if (!l) plan.create.push(d);
    else if (l.addressType !== d.addressType) {
      plan.delete.push(d.metadata.name);
      plan.create.push(d);
    } else if (!sliceInLine(d, l)) {
      plan.replace.push({ ...d, metadata: { ...d.metadata, labels: { ...l.metadata.labels, ...d.metadata.labels }, resourceVersion: l.metadata.resourceVersion } });
    }
  }
  for (const l of live) if (!wanted.has(l.metadata.name)) plan.delete.push(l.metadata.name);
  return plan;
}
