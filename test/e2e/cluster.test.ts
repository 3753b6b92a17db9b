/**
 * The example production cluster (examples/production-cluster.ts) and a
 * cluster without rack awareness, applied to a real control plane: the API
 * server's validation and admission (PodSecurity, RBAC), the StatefulSet and
 * disruption controllers, the PV binder and the scheduler are the real ones;
 * only the nodes are simulated (kwok).
 */
import { Chart } from 'cdk8s';
import { productionClusterChart } from '../../examples/production-cluster';
import { RedisEnterpriseCluster } from '../../lib';
import { KubeClient, KubeObject, waitFor } from '../support/kube-client';
import { kubernetesMinorVersion } from './harness/connection';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { addNodes, HOSTNAME_LABEL, removeNodes, setCordoned, ZONE_LABEL } from './harness/nodes';
import { AccessCheck, deniedChecks, describeCheck, grantedChecks } from './harness/rbac';
import { ensureAvailableVolumes, STORAGE_CLASS } from './harness/storage';
import { findObject, synthObjects } from './harness/synth';
import {
  claimNames,
  claimOfPod,
  isPodReady,
  podCondition,
  waitForBoundClaims,
  waitForFailedScheduling,
  waitForPodGone,
  waitForReadyPods,
  waitForUnschedulable,
} from './harness/workloads';

const REC = 'rec';
const STORAGE = 'redis-enterprise-storage';
const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e';
const podNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `${REC}-${i}`);
const pod = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Pod', namespace, name });
const baselineLabels = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  // warn/audit restricted: the API server tells us (Warning headers) whether `restricted` would admit the pods too.
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

/**
 * The example, pointed at the harness' StorageClass (its default, premium-rwo, does not exist here)
 * and targeting the plane's Kubernetes minor (which decides where the rack id comes from).
 */
function productionObjects(kubernetesVersion: string, namespace: string, nodes = 3): KubeObject[] {
  return synthObjects((app) => productionClusterChart(app, { namespace, storageClassName: STORAGE_CLASS, nodes, kubernetesVersion }));
}

/** Same cluster shape without rack awareness: anti-affinity on hostnames. */
function hostSpreadObjects(namespace: string, nodes: number): KubeObject[] {
  return synthObjects((app) => {
    const chart = new Chart(app, 'host-spread', { namespace });
    new RedisEnterpriseCluster(chart, REC, {
      name: REC,
      nodes,
      persistence: { storageClassName: STORAGE_CLASS, volumeSize: '20Gi' },
    });
  });
}

async function nodeZones(client: KubeClient, pods: KubeObject[]): Promise<string[]> {
  const nodes = await Promise.all(pods.map((p) => client.get({ apiVersion: 'v1', kind: 'Node', name: p.spec.nodeName })));
  return nodes.map((n) => n.metadata.labels![ZONE_LABEL]);
}

async function runAccessChecks(client: KubeClient, namespace: string, checks: AccessCheck[]): Promise<string[]> {
  const user = `system:serviceaccount:${namespace}:${REC}`;
  // The groups a real token of this ServiceAccount carries, so group bindings count as they would in production.
  const groups = ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
  const wrong: string[] = [];
  for (const c of checks) {
    const { allowed, reason } = await client.canI(user, groups, {
      verb: c.verb, group: c.group, resource: c.resource, subresource: c.subresource, namespace: c.namespace, name: c.name,
    });
    if (allowed !== c.allowed) wrong.push(`${describeCheck(c)}: expected ${c.allowed ? 'allowed' : 'denied'}, got ${allowed ? `allowed (${reason})` : 'denied'}`);
  }
  return wrong;
}

/** The PriorityClass examples/production-cluster emits and its pods name. */
const PRIORITY_CLASS = 'redis-enterprise';

describeE2E('Redis Enterprise cluster on a real control plane', ({ client, info }) => {
  const kubernetesVersion = kubernetesMinorVersion(info);
  // From 1.35 the API server copies the node's zone label onto the pod (PodTopologyLabelsAdmission).
  const podsCarryZone = Number(kubernetesVersion.split('.')[1]) >= 35;
  const production = (namespace: string, nodes = 3): KubeObject[] => productionObjects(kubernetesVersion, namespace, nodes);
  beforeAll(async () => {
    // The example emits its PriorityClass (pods name it: without it Priority admission rejects them). It is
    // cluster-scoped, so an earlier file's apply may have left it: removed here, so that what exists below is
    // what this file's apply of the example created, and the example's ceasing to emit it would fail the tests.
    const ref = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', name: PRIORITY_CLASS };
    if (await client.tryGet(ref)) {
      await client.delete(ref);
      await waitFor(`PriorityClass ${PRIORITY_CLASS} gone`, async () => (await client.tryGet(ref)) === undefined, { timeoutMs: 60_000 });
    }
  });

  describe('production example (rack awareness) in a PodSecurity baseline namespace', () => {
    let ns: string;
    let objects: KubeObject[];
    let applied: KubeObject[];
    const extraNode = 'kwok-node-zone-a-2';

    beforeAll(async () => {
      ns = await createNamespace(client, 'rec-baseline', baselineLabels);
      objects = production(ns);
      await ensureAvailableVolumes(client, 4); // 3 claims, plus one for the pod that cannot be placed
      client.warnings.length = 0;
      applied = await client.apply(objects, FIELD_MANAGER);
    });
    afterAll(async () => {
      await deleteNamespace(client, ns);
      // Cluster-scoped (the node reader below 1.35): not deleted with the namespace.
      for (const o of objects.filter((x) => x.kind.startsWith('Cluster'))) {
        await client.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name }).catch(() => undefined);
      }
      if (await client.tryGet({ apiVersion: 'v1', kind: 'Node', name: extraNode })) await removeNodes(client, [extraNode]);
    });

    it('accepts server-side apply of every synthesized object, without PodSecurity warnings for restricted', async () => {
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
      // The cluster's own objects; the example may add more (databases...), which must apply too.
      expect(kinds).toEqual(expect.arrayContaining([
        'ConfigMap/rec-desired-state', 'PodDisruptionBudget/rec', 'Role/rec', 'RoleBinding/rec',
        'Service/rec', 'Service/rec-nodes', 'Service/rec-prom', 'Service/rec-ui', 'ServiceAccount/rec', 'StatefulSet/rec',
      ]));
      expect(kinds).toContain(`PriorityClass/${PRIORITY_CLASS}`);
      expect(applied.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(kinds);
      for (const obj of objects) {
        const live = await client.get({ ...obj, namespace: ns, name: obj.metadata.name });
        expect(live.metadata.uid).toBe(applied.find((a) => a.kind === obj.kind && a.metadata.name === obj.metadata.name)!.metadata.uid);
        expect(live.metadata.managedFields.some((f: any) => f.manager === FIELD_MANAGER && f.operation === 'Apply')).toBe(true);
      }
      // warn=restricted on this namespace: the StatefulSet's pod template would draw a warning if `restricted` refused it.
      expect(client.warnings.filter((w) => /PodSecurity|restricted/i.test(w.text)).map((w) => w.text)).toEqual([]);
    });

    it('runs one Ready pod per node, in three different zones, each labelled with its zone', async () => {
      const pods = await waitForReadyPods(client, ns, podNames(3));
      expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3);
      const zones = await nodeZones(client, pods);
      expect(new Set(zones)).toEqual(new Set(['zone-a', 'zone-b', 'zone-c']));
      // From 1.35 the reconciler reads its rack id from its own pod label (downward API): the API server
      // copies the node's zone label onto the pod at binding (PodTopologyLabelsAdmission). Check it really
      // does, and that older versions do not (so the manifests for them read the Node instead).
      expect(pods.map((p) => p.metadata.labels?.[ZONE_LABEL])).toEqual(podsCarryZone ? zones : zones.map(() => undefined));
    });

    it('binds each pod\'s claim, and a deleted pod comes back with the same claim', async () => {
      const claims = await waitForBoundClaims(client, ns, claimNames(STORAGE, REC, 3));
      for (const c of claims) {
        expect(c.spec.storageClassName).toBe(STORAGE_CLASS);
        expect(c.spec.resources.requests.storage).toBe('20Gi');
      }
      const before = await client.get(pod(ns, `${REC}-1`));
      const claimBefore = claims[1];
      expect(claimOfPod(before, STORAGE)).toBe(claimBefore.metadata.name);

      await client.delete(pod(ns, `${REC}-1`));
      await waitForPodGone(client, ns, `${REC}-1`, before.metadata.uid);
      const [after] = await waitForReadyPods(client, ns, [`${REC}-1`]);
      expect(after.metadata.uid).not.toBe(before.metadata.uid);
      expect(claimOfPod(after, STORAGE)).toBe(claimBefore.metadata.name);
      const claimAfter = await client.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: claimBefore.metadata.name });
      expect(claimAfter.metadata.uid).toBe(claimBefore.metadata.uid);
      expect(claimAfter.spec.volumeName).toBe(claimBefore.spec.volumeName);
    });

    it('PodDisruptionBudget allows one eviction, then answers 429 while that pod is unavailable', async () => {
      const pdbRef = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: ns, name: REC };
      const pdbState = (want: { healthy: number; allowed: number }) => async (observe: (s: unknown) => void) => {
        const pdb = await client.get(pdbRef);
        observe(pdb.status);
        const s = pdb.status ?? {};
        return s.observedGeneration === pdb.metadata.generation && s.currentHealthy === want.healthy && s.disruptionsAllowed === want.allowed;
      };
      await waitForReadyPods(client, ns, podNames(3));
      await waitFor('PDB: 3 healthy, 1 disruption allowed', pdbState({ healthy: 3, allowed: 1 }));

      // kwok makes a replacement pod Ready within a second, which would end the disruption before we
      // could test it. One pod per host on three hosts: rec-2's replacement fits only its own node:
      // cordon that node and the replacement stays Pending, i.e. rec-2 stays unavailable.
      const victim = await client.get(pod(ns, `${REC}-2`));
      const node = victim.spec.nodeName as string;
      await setCordoned(client, node, true);
      try {
        const first = await client.evict(ns, `${REC}-2`);
        expect(first.status).toBe(201);
        await waitForPodGone(client, ns, `${REC}-2`, victim.metadata.uid);
        const replacement = await waitForUnschedulable(client, ns, `${REC}-2`);
        expect(replacement.metadata.uid).not.toBe(victim.metadata.uid);
        await waitFor('PDB: 2 healthy, 0 disruptions allowed', pdbState({ healthy: 2, allowed: 0 }));

        const second = await client.evict(ns, `${REC}-0`);
        expect(second.status).toBe(429);
        expect(second.body.details?.causes?.map((c: any) => c.reason)).toContain('DisruptionBudget');
        const survivor = await client.get(pod(ns, `${REC}-0`));
        expect(survivor.metadata.deletionTimestamp).toBeUndefined();
        expect(isPodReady(survivor)).toBe(true);
      } finally {
        await setCordoned(client, node, false);
      }
      const [back] = await waitForReadyPods(client, ns, [`${REC}-2`]);
      expect(back.spec.nodeName).toBe(node);
      await waitFor('PDB: 3 healthy again, 1 disruption allowed', pdbState({ healthy: 3, allowed: 1 }));
    });

    it('grants its ServiceAccount exactly what the Role says (SubjectAccessReview)', async () => {
      // With a zone label from 1.35 the rack id comes from the pod's own labels: no cluster-scoped grant
      // at all. Below, the reconciler may get (only get) Nodes.
      const clusterScoped = objects.filter((o) => o.kind.startsWith('Cluster')).map((o) => o.kind).sort();
      expect(clusterScoped).toEqual(podsCarryZone ? [] : ['ClusterRole', 'ClusterRoleBinding']);
      const nodeGet = (c: AccessCheck) => c.group === '' && c.resource === 'nodes' && c.verb === 'get' && !c.subresource;
      const nodeChecks: AccessCheck[] = podsCarryZone ? [] : [{ verb: 'get', group: '', resource: 'nodes', name: 'kwok-node-0', allowed: true }];
      const role = findObject(objects, 'Role', REC);
      const binding = findObject(objects, 'RoleBinding', REC);
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: REC, namespace: ns }]);
      const other = await createNamespace(client, 'rbac-other');
      try {
        const granted = grantedChecks(role);
        const denied = deniedChecks(role, [other, 'default', 'kube-system']).filter((c) => podsCarryZone || !nodeGet(c));
        expect(granted.length).toBeGreaterThan(20);
        expect(await runAccessChecks(client, ns, [...granted, ...denied, ...nodeChecks])).toEqual([]);
      } finally {
        await deleteNamespace(client, other);
      }
    });

    it('with 5 nodes on 4 hosts over 3 zones, zones take 2/1/1 and the 5th pod stays Pending; scaling back keeps the claims', async () => {
      // A 4th host, in zone-a: rec-3 may go there (zones 2/1/1, skew 1). rec-4 then has no host left:
      // zone-b and zone-c hosts run a pod each (hostname anti-affinity), zone-a would be 3 against 1.
      await addNodes(client, [{ name: extraNode, zone: 'zone-a' }]);
      await ensureAvailableVolumes(client, 2);
      await client.apply(production(ns, 5), FIELD_MANAGER);

      const [placed] = await waitForReadyPods(client, ns, [`${REC}-3`]);
      expect(placed.spec.nodeName).toBe(extraNode);
      const pending = await waitForUnschedulable(client, ns, `${REC}-4`, /anti-affinity/);
      expect(podCondition(pending, 'PodScheduled').message).toMatch(/didn't match pod anti-affinity rules/);
      expect(podCondition(pending, 'PodScheduled').message).toMatch(/didn't match pod topology spread constraints/);
      const pods = await client.list('v1', 'Pod', ns, { labelSelector: `redis.io/cluster=${REC}` });
      expect(pods.filter(isPodReady).map((p) => p.metadata.name).sort()).toEqual(podNames(4));
      const zones = await nodeZones(client, pods.filter(isPodReady));
      expect(zones.filter((z) => z === 'zone-a')).toHaveLength(2);
      expect(new Set(pods.filter(isPodReady).map((p) => p.spec.nodeName)).size).toBe(4);

      // Back to 3 nodes: rec-4 and rec-3 go, their claims stay (whenScaled: Retain).
      await client.apply(production(ns, 3), FIELD_MANAGER);
      await waitForPodGone(client, ns, `${REC}-4`);
      await waitForPodGone(client, ns, `${REC}-3`);
      const claims = await waitForBoundClaims(client, ns, claimNames(STORAGE, REC, 5));
      expect(claims).toHaveLength(5);
    });
  });

  describe('cluster without rack awareness (hostname anti-affinity)', () => {
    let ns: string;
    const extraNodes = ['kwok-node-extra-1', 'kwok-node-extra-2'];

    beforeAll(async () => {
      ns = await createNamespace(client, 'rec-hosts', baselineLabels);
      await ensureAvailableVolumes(client, 5);
      await client.apply(hostSpreadObjects(ns, 3), FIELD_MANAGER);
    });
    afterAll(async () => {
      // Scale to 3 first so that no pod is left on a node we remove (kwok would no longer delete it).
      await client.apply(hostSpreadObjects(ns, 3), FIELD_MANAGER).catch(() => undefined);
      for (const name of [`${REC}-3`, `${REC}-4`]) await waitForPodGone(client, ns, name).catch(() => undefined);
      await deleteNamespace(client, ns);
      const present = [];
      for (const n of extraNodes) if (await client.tryGet({ apiVersion: 'v1', kind: 'Node', name: n })) present.push(n);
      await removeNodes(client, present);
    });

    it('spreads pods one per host', async () => {
      const sts = findObject(hostSpreadObjects(ns, 3), 'StatefulSet', REC);
      const terms = sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
      expect(terms.map((t: any) => t.topologyKey)).toEqual([HOSTNAME_LABEL]);
      const pods = await waitForReadyPods(client, ns, podNames(3));
      expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3);
    });

    it('leaves the 4th pod Pending with 3 nodes, runs it when nodes are added, and keeps claims when scaled down', async () => {
      await client.apply(hostSpreadObjects(ns, 5), FIELD_MANAGER);
      const pending = await waitForUnschedulable(client, ns, `${REC}-3`, /anti-affinity/);
      expect(podCondition(pending, 'PodScheduled').message).toMatch(/didn't match pod anti-affinity rules/);
      expect(await waitForFailedScheduling(client, ns, `${REC}-3`, /anti-affinity/)).toMatch(/didn't match pod anti-affinity rules/);

      // More eligible nodes: the Pending pod is placed, then the 5th.
      await addNodes(client, [{ name: extraNodes[0], zone: 'zone-a' }, { name: extraNodes[1], zone: 'zone-b' }]);
      const pods = await waitForReadyPods(client, ns, podNames(5));
      expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(5);
      const claims = await waitForBoundClaims(client, ns, claimNames(STORAGE, REC, 5));

      // Scale down to 3: pods rec-4 and rec-3 go, their claims stay Bound to the same volumes.
      await client.apply(hostSpreadObjects(ns, 3), FIELD_MANAGER);
      await waitForPodGone(client, ns, `${REC}-4`);
      await waitForPodGone(client, ns, `${REC}-3`);
      const kept = await waitForBoundClaims(client, ns, claimNames(STORAGE, REC, 5));
      expect(kept.map((c) => [c.metadata.uid, c.spec.volumeName])).toEqual(claims.map((c) => [c.metadata.uid, c.spec.volumeName]));
    });
  });

  describe('production example in a PodSecurity restricted namespace', () => {
    let ns: string;

    beforeAll(async () => {
      ns = await createNamespace(client, 'rec-restricted', { 'pod-security.kubernetes.io/enforce': 'restricted' });
      await ensureAvailableVolumes(client, 3);
      await client.apply(production(ns), FIELD_MANAGER);
    });
    afterAll(async () => {
      await deleteNamespace(client, ns);
    });

    it('admits the pods (no PodSecurity rejection) and they become Ready', async () => {
      const outcome = await waitFor('pods Ready, or a PodSecurity rejection', async (observe) => {
        const events = await client.events(ns, { kind: 'StatefulSet', name: REC });
        const rejected = events.find((e) => e.reason === 'FailedCreate' && /PodSecurity/.test(e.message));
        if (rejected) return { rejected: rejected.message as string, ready: [] as KubeObject[] };
        const live = await Promise.all(podNames(3).map((n) => client.tryGet(pod(ns, n))));
        observe(live.map((p) => p && `${p.metadata.name}:${isPodReady(p) ? 'Ready' : p.status?.phase}`));
        return live.every((p) => p && isPodReady(p)) && { rejected: undefined, ready: live as KubeObject[] };
      }, { timeoutMs: 180_000 });
      expect(outcome.rejected).toBeUndefined();
      expect(outcome.ready).toHaveLength(3);
    });
  });
});
