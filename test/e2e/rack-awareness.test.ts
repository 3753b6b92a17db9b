/**
 * Rack awareness on a real scheduler: more Redis Enterprise nodes than zones.
 * The pods spread evenly over the zones (topology spread, maxSkew 1) and never
 * share a host (required hostname anti-affinity). Runs on the newest and on
 * the oldest supported Kubernetes minor (projects `e2e` and `e2e-oldest`);
 * the manifests target the plane's own minor, which decides where the rack id
 * comes from.
 */
import { Chart } from 'cdk8s';
import { RedisEnterpriseCluster } from '../../lib';
import { KubeClient, KubeObject } from '../support/kube-client';
import { kubernetesMinorVersion } from './harness/connection';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { addNodes, NodeSpec, removeNodes, ZONE_LABEL } from './harness/nodes';
import { ensureAvailableVolumes, STORAGE_CLASS } from './harness/storage';
import { findObject, synthObjects } from './harness/synth';
import { isPodReady, podCondition, waitForFailedScheduling, waitForPodGone, waitForReadyPods, waitForUnschedulable } from './harness/workloads';

const REC = 'rec';
const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e';
const podNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `${REC}-${i}`);

describeE2E('rack awareness: more nodes than zones', ({ client, info }) => {
  const kubernetesVersion = kubernetesMinorVersion(info);
  const minor = Number(kubernetesVersion.split('.')[1]);
  // With the 3 base nodes (one per zone): zone-a and zone-b get 2 hosts, zone-c keeps 1.
  const extraNodes: NodeSpec[] = [{ name: 'kwok-rack-a-2', zone: 'zone-a' }, { name: 'kwok-rack-b-2', zone: 'zone-b' }];
  // Later a third host in zone-a: free, but a 3rd node there would make the zones 3/2/1.
  const crowdingNode: NodeSpec = { name: 'kwok-rack-a-3', zone: 'zone-a' };
  let ns: string;

  const objects = (nodes: number): KubeObject[] => synthObjects((app) => {
    const chart = new Chart(app, 'rack-spread', { namespace: ns });
    new RedisEnterpriseCluster(chart, REC, {
      name: REC,
      nodes,
      rackAwarenessNodeLabel: ZONE_LABEL,
      kubernetesVersion,
      persistence: { storageClassName: STORAGE_CLASS, volumeSize: '20Gi' },
    });
  });

  async function placement(c: KubeClient, pods: KubeObject[]): Promise<{ hosts: string[]; zones: string[] }> {
    const hosts = pods.map((p) => p.spec.nodeName as string);
    const nodes = await Promise.all(hosts.map((name) => c.get({ apiVersion: 'v1', kind: 'Node', name })));
    return { hosts, zones: nodes.map((n) => n.metadata.labels![ZONE_LABEL]) };
  }

  const countByZone = (zones: string[]): Record<string, number> =>
    zones.reduce<Record<string, number>>((acc, z) => ({ ...acc, [z]: (acc[z] ?? 0) + 1 }), {});

  beforeAll(async () => {
    ns = await createNamespace(client, 'rack-spread');
    await addNodes(client, extraNodes);
    await ensureAvailableVolumes(client, 7);
  });
  afterAll(async () => {
    await deleteNamespace(client, ns);
    // Pods must be gone before their nodes: kwok deletes only pods on nodes it manages.
    for (const name of podNames(7)) await waitForPodGone(client, ns, name).catch(() => undefined);
    for (const o of objects(5).filter((x) => x.kind.startsWith('ClusterRole'))) {
      await client.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name }).catch(() => undefined);
    }
    const present: string[] = [];
    for (const n of [...extraNodes, crowdingNode]) if (await client.tryGet({ apiVersion: 'v1', kind: 'Node', name: n.name })) present.push(n.name);
    await removeNodes(client, present);
  });

  it('schedules 5 nodes on 3 zones, spread 2/2/1, never two on one host', async () => {
    await client.apply(objects(5), FIELD_MANAGER);
    const pods = await waitForReadyPods(client, ns, podNames(5), 300_000);
    const { hosts, zones } = await placement(client, pods);
    expect(new Set(hosts).size).toBe(5);
    expect(countByZone(zones)).toEqual({ 'zone-a': 2, 'zone-b': 2, 'zone-c': 1 });
  });

  it(`takes the rack id from where Kubernetes ${kubernetesVersion} provides it`, async () => {
    const synthesized = objects(5);
    const env = findObject(synthesized, 'StatefulSet', REC).spec.template.spec.containers
      .find((c: any) => c.name === 'reconciler').env.map((e: any) => e.name);
    const pods = await Promise.all(podNames(5).map((name) => client.get({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name })));
    const { zones } = await placement(client, pods);
    const podZones = pods.map((p) => p.metadata.labels?.[ZONE_LABEL]);
    if (minor >= 35) {
      // PodTopologyLabelsAdmission copied each node's zone onto its pod: the downward API gives RACK_ID.
      expect(podZones).toEqual(zones);
      expect(env).toContain('RACK_ID');
      expect(synthesized.filter((o) => o.kind.startsWith('ClusterRole'))).toEqual([]);
    } else {
      // No zone label on the pods: the reconciler reads its Node, which the ClusterRole allows (get only).
      expect(podZones).toEqual(zones.map(() => undefined));
      expect(env).not.toContain('RACK_ID');
      const user = `system:serviceaccount:${ns}:${REC}`;
      const groups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
      const can = async (verb: string) => (await client.canI(user, groups, { verb, group: '', resource: 'nodes', name: verb === 'get' ? pods[0].spec.nodeName : undefined })).allowed;
      expect([await can('get'), await can('list'), await can('patch')]).toEqual([true, false, false]);
    }
  });

  it('leaves the 6th node Pending rather than crowd a zone, though a host there is free', async () => {
    await addNodes(client, [crowdingNode]);
    await client.apply(objects(7), FIELD_MANAGER);
    // zone-a has a free host, but a 3rd node there is a skew of 2 over zone-c; the other hosts are taken.
    const pending = await waitForUnschedulable(client, ns, `${REC}-5`, /topology spread constraints/);
    expect(podCondition(pending, 'PodScheduled').message).toMatch(/didn't match pod topology spread constraints/);
    expect(await waitForFailedScheduling(client, ns, `${REC}-5`, /topology spread/)).toMatch(/didn't match pod topology spread constraints/);
    const pods = await client.list('v1', 'Pod', ns, { labelSelector: `redis.io/cluster=${REC}` });
    expect(pods.filter((p) => p.spec.nodeName === crowdingNode.name)).toEqual([]);
    expect(pods.filter(isPodReady).map((p) => p.metadata.name).sort()).toEqual(podNames(5));

    // Back to 5: the Pending pod goes and the spread is unchanged.
    await client.apply(objects(5), FIELD_MANAGER);
    await waitForPodGone(client, ns, `${REC}-5`);
    const { zones } = await placement(client, await waitForReadyPods(client, ns, podNames(5)));
    expect(countByZone(zones)).toEqual({ 'zone-a': 2, 'zone-b': 2, 'zone-c': 1 });
  });
});
