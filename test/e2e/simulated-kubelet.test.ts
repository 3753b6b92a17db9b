/**
 * The simulated kubelet (harness/simulated-kubelet.ts) on the real control
 * plane: the real StatefulSet controller creates, deletes and recreates the
 * pods of a synthesized 3-node cluster; the kubelet gives each pod its REST
 * API double (by claim) and an in-process reconciler, readiness from the
 * pod's real probes, and termination through the pod's preStop hook.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { addNodes, removeNodes, setCordoned, ZONE_LABEL } from './harness/nodes';
import { PodEvent, PodHistory } from './harness/pod-history';
import { productionObjectsWith, REC } from './harness/reconciler-fleet';
import { runBySimulatedKubelet, SimulatedKubelet, SimulatedNode, softwareVersionOfImage } from './harness/simulated-kubelet';
import { ensureAvailableVolumes } from './harness/storage';
import { findObject } from './harness/synth';
import { isPodReady, waitForReadyPods } from './harness/workloads';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e-simulated-kubelet';
const PODS = [0, 1, 2].map((i) => `${REC}-${i}`);

describeE2E('the simulated kubelet runs the StatefulSet\'s pods', ({ client, info }) => {
  describe('a synthesized 3-node cluster', () => {
    let ns: string;
    let kubelet: SimulatedKubelet | undefined;
    let history: PodHistory | undefined;
    let objects: KubeObject[];
    const logs: string[] = [];
    const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200, nodeActionMs: 200 } });
    const t0 = Date.now();
    const podRef = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name });
    const cluster = () => registry.clusters()[0];
    const firstReady = (events: PodEvent[], pod: string): number => events.findIndex((e) => e.name === pod && e.ready);

    const spareNodes: string[] = [];
    const cordoned: string[] = [];

    /**
     * kwok gives a recreated pod the IP its predecessor freed. To see a node
     * come back at another address, the pod moves: a spare node in the same
     * zone with its own pod CIDR, the pod's node cordoned.
     */
    async function moveNextPodOffItsNode(name: string): Promise<void> {
      const pod = await client.get<KubeObject>(podRef(name));
      const node = await client.get<KubeObject>({ apiVersion: 'v1', kind: 'Node', name: pod.spec.nodeName });
      const spare = `kwok-kubelet-${ns.slice(-6)}-${spareNodes.length}`;
      await addNodes(client, [{ name: spare, zone: node.metadata.labels![ZONE_LABEL] }]);
      spareNodes.push(spare);
      await client.patch({ apiVersion: 'v1', kind: 'Node', name: spare }, { spec: { podCIDR: `10.${200 + spareNodes.length}.0.0/24` } });
      await setCordoned(client, pod.spec.nodeName, true);
      cordoned.push(pod.spec.nodeName);
    }

    /** The pod `name` Ready with another uid than `oldUid`, and the kubelet running it. */
    async function recreated(name: string, oldUid: string): Promise<SimulatedNode> {
      const [pod] = await waitFor(`${name} recreated (not uid ${oldUid}) and Ready`, async (observe) => {
        const p = await client.tryGet<KubeObject>(podRef(name));
        observe({ uid: p?.metadata.uid, ready: p && isPodReady(p), kubelet: kubelet!.history.filter((a) => a.pod === name).slice(-3) });
        return p && p.metadata.uid !== oldUid && isPodReady(p) && [p];
      }, { timeoutMs: 120_000 });
      const node = kubelet!.node(name);
      expect(node?.podUid).toBe(pod.metadata.uid);
      return node!;
    }

    beforeAll(async () => {
      ns = await createNamespace(client, 'kubelet');
      await ensureAvailableVolumes(client, 3);
      history = await PodHistory.start(client, ns);
      kubelet = await SimulatedKubelet.start({
        client, info, namespace: ns, clusterName: REC, registry,
        reconcilerConfig: { resyncSeconds: 5, leaseDurationSeconds: 6, prestopTimeoutMs: 30_000 },
        logSink: (line) => logs.push(line),
      });
      objects = runBySimulatedKubelet(productionObjectsWith(ns, []));
      await client.apply(objects, FIELD_MANAGER);
    });

    afterAll(async () => {
      await kubelet?.stop();
      await history?.stop();
      fs.writeFileSync(path.join(info.workDir, 'logs', 'simulated-kubelet-e2e.log'), logs.join('\n') + '\n');
      // Measured, not asserted: a status write in flight when its pod is deleted fails (the pod is gone).
      if (kubelet?.proberErrors.length) console.warn(`prober errors: ${kubelet.proberErrors.join('; ')}`);
      if (ns) await deleteNamespace(client, ns);
      for (const n of cordoned) await setCordoned(client, n, false);
      // kwok deletes the pods left (the kubelet handed them back) only while their node exists.
      if (spareNodes.length) {
        await waitFor(`the pods of ${ns} gone`, async () => (await client.list('v1', 'Pod', ns)).length === 0, { timeoutMs: 120_000 })
          .catch((e) => console.warn((e as Error).message));
        await removeNodes(client, spareNodes);
      }
      console.log(`simulated-kubelet e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
    });

    it('starts the pods one after the other (OrderedReady on real probe results) and the cluster forms', async () => {
      const t = Date.now();
      await waitForReadyPods(client, ns, PODS, 240_000);
      await waitFor('3 active nodes in the Redis Enterprise cluster', async (observe) => {
        observe(cluster()?.nodes().map((n) => `${n.uid}@${n.addr}:${n.status}`));
        return cluster()?.nodes().filter((n) => n.status === 'active').length === 3;
      }, { timeoutMs: 60_000 });
      console.log(`simulated-kubelet e2e: 3 pods Ready and joined in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      const nodes = kubelet!.nodes();
      expect(nodes.map((n) => n.pod)).toEqual(PODS);
      const sts = findObject(objects, 'StatefulSet', REC);
      const image = sts.spec.template.spec.containers.find((c: any) => c.name === 'redis-enterprise-node').image;
      for (const n of nodes) {
        // Each node answers at its pod's IP, runs the pod's image's software, and is a member.
        expect(cluster().nodeByAddr(n.ip)?.uid).toBe(n.double.nodeUid);
        expect(n.image).toBe(image);
        expect(cluster().node(n.double.nodeUid!)!.softwareVersion).toBe(softwareVersionOfImage(image));
        expect(n.claim).toBe(`redis-enterprise-storage-${n.pod}`);
      }
      expect(new Set(nodes.map((n) => n.claimUid)).size).toBe(3);

      await waitFor('the history has seen all three Ready', async () => PODS.every((p) => firstReady(history!.all(), p) >= 0));
      const events = history!.all();
      for (let i = 1; i < PODS.length; i++) {
        const created = events.findIndex((e) => e.name === PODS[i] && e.type === 'ADDED');
        expect(created).toBeGreaterThan(firstReady(events, PODS[i - 1]));
      }
      // Readiness came from probes: the node container's readiness probe passed on each pod.
      for (const p of PODS) expect(kubelet!.probeStats(p, 'redis-enterprise-node')!.readiness.successes).toBeGreaterThanOrEqual(1);
      expect(kubelet!.history.filter((a) => a.what === 'started').map((a) => a.pod)).toEqual(PODS);
      expect(kubelet!.errors).toEqual([]);
    });

    it('a crashed pod comes back as the same Redis Enterprise node on the same claim', async () => {
      const t = Date.now();
      const before = kubelet!.node('rec-1')!;
      const uid = before.double.nodeUid!;
      await moveNextPodOffItsNode('rec-1');
      await kubelet!.crash('rec-1');
      expect(await client.tryGet(podRef('rec-1')).then((p) => p?.metadata.uid)).not.toBe(before.podUid);
      // Down while the pod is gone: crashed, so no preStop ran.
      const after = await recreated('rec-1', before.podUid);
      console.log(`simulated-kubelet e2e: crash → rec-1 Ready again in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      expect(after.ip).not.toBe(before.ip);
      expect(after.claimUid).toBe(before.claimUid);
      expect(after.double).toBe(before.double);
      expect(after.double.nodeUid).toBe(uid);
      expect(cluster().nodes()).toHaveLength(3);
      await waitFor('rec-1\'s node active at its pod\'s IP', async () => {
        const n = cluster().node(uid);
        return n?.status === 'active' && n.addr === after.ip;
      }, { timeoutMs: 60_000 });
      const actions = kubelet!.history.filter((a) => a.pod === 'rec-1').map((a) => a.what);
      expect(actions).toEqual(['started', 'crashed', 'stopped', 'deleted', 'started']);
    });

    it('a pod deleted normally runs its preStop hook (the node drains into maintenance) before the kubelet deletes it', async () => {
      const t = Date.now();
      const before = kubelet!.node('rec-0')!;
      const uid = before.double.nodeUid!;
      const mark = registry.requestLog.mark();
      const since = kubelet!.history.length;
      const writes0 = kubelet!.kubeWritesBesidesLeases();
      await client.delete(podRef('rec-0'));
      const after = await recreated('rec-0', before.podUid);
      console.log(`simulated-kubelet e2e: delete → rec-0 drained, deleted, Ready again in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      const actions = kubelet!.history.slice(since).filter((a) => a.pod === 'rec-0');
      expect(actions.map((a) => a.what)).toEqual(['preStop called', 'preStop answered', 'stopped', 'deleted', 'started']);
      expect(actions[1].detail).toMatch(new RegExp(`^HTTP 200: node ${uid} is in maintenance mode`));
      const maintenance = registry.requestLog.mutations({ since: mark }).filter((e) => /\/v1\/nodes\/\d+\/actions\/maintenance_(on|off)$/.test(e.path));
      expect(maintenance.map((e) => [e.node, e.path, e.status])).toEqual([
        [before.ip, `/v1/nodes/${uid}/actions/maintenance_on`, 200],
        [after.ip, `/v1/nodes/${uid}/actions/maintenance_off`, 200],
      ]);
      // Back on its claim: same node, out of maintenance once the restarted reconciler left it.
      expect(after.double.nodeUid).toBe(uid);
      await waitFor(`node ${uid} out of maintenance`, async () => cluster().node(uid)?.maintenance === undefined, { timeoutMs: 60_000 });
      console.log(`simulated-kubelet e2e: delete of rec-0: ${registry.requestLog.mutations({ since: mark }).length} REST writes, ${kubelet!.kubeWritesBesidesLeases() - writes0} Kubernetes writes by the reconcilers (Leases left out)`);
      expect(kubelet!.errors).toEqual([]);
    });

    it('a new image rolls the pods one by one through preStop; each comes back as its node with the new software', async () => {
      const t = Date.now();
      const image = 'redislabs/redis:8.2.0-46.13';
      const before = new Map(kubelet!.nodes().map((n) => [n.pod, n]));
      const since = kubelet!.history.length;
      const mark = registry.requestLog.mark();
      const writes0 = kubelet!.kubeWritesBesidesLeases();
      const sts = findObject(objects, 'StatefulSet', REC);
      sts.spec.template.spec.containers.find((c: any) => c.name === 'redis-enterprise-node').image = image;
      await client.apply(objects, FIELD_MANAGER);
      await waitFor('every pod recreated with the new image and Ready', async (observe) => {
        const pods = await Promise.all(PODS.map((p) => client.tryGet<KubeObject>(podRef(p))));
        observe(pods.map((p) => p && `${p.metadata.name} ${p.spec.containers[0].image} ready=${isPodReady(p)}`));
        return pods.every((p, i) => p && p.metadata.uid !== before.get(PODS[i])!.podUid && isPodReady(p)
          && kubelet!.node(PODS[i])?.podUid === p.metadata.uid);
      }, { timeoutMs: 150_000 });
      console.log(`simulated-kubelet e2e: rolling update of 3 pods in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      // The StatefulSet controller's order (highest ordinal first), one pod at a time, each through its preStop.
      const rolled = kubelet!.history.slice(since);
      expect(rolled.filter((a) => a.what === 'preStop answered').map((a) => a.pod)).toEqual(['rec-2', 'rec-1', 'rec-0']);
      for (const p of PODS) {
        expect(rolled.filter((a) => a.pod === p).map((a) => a.what)).toEqual(['preStop called', 'preStop answered', 'stopped', 'deleted', 'started']);
      }
      const startedAt = (p: string) => rolled.findIndex((a) => a.pod === p && a.what === 'started');
      const calledAt = (p: string) => rolled.findIndex((a) => a.pod === p && a.what === 'preStop called');
      expect(calledAt('rec-1')).toBeGreaterThan(startedAt('rec-2'));
      expect(calledAt('rec-0')).toBeGreaterThan(startedAt('rec-1'));
      for (const n of kubelet!.nodes()) {
        const old = before.get(n.pod)!;
        expect([n.image, n.claimUid, n.double.nodeUid]).toEqual([image, old.claimUid, old.double.nodeUid]);
        expect(cluster().node(n.double.nodeUid!)!.softwareVersion).toBe('8.2.0-46');
      }
      await waitFor('every node active and out of maintenance', async () =>
        cluster().nodes().every((n) => n.status === 'active' && n.maintenance === undefined), { timeoutMs: 60_000 });
      const rest = registry.requestLog.mutations({ since: mark });
      expect(rest.filter((e) => e.path.endsWith('/maintenance_on'))).toHaveLength(3);
      console.log(`simulated-kubelet e2e: rolling update: ${rest.length} REST writes, ${kubelet!.kubeWritesBesidesLeases() - writes0} Kubernetes writes by the reconcilers (Leases left out)`);
      expect(kubelet!.errors).toEqual([]);
    });

    it('a pod that loses its storage comes back on a new claim as a new node (the leader then removes the old one: NodeReplacement)', async () => {
      const t = Date.now();
      const before = kubelet!.node('rec-2')!;
      const oldUid = before.double.nodeUid!;
      // On another IP too, so the new node's address differs from its stale predecessor's.
      await moveNextPodOffItsNode('rec-2');
      const since = kubelet!.history.length;
      await kubelet!.loseStorage('rec-2');
      expect(await client.tryGet({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: before.claim })
        .then((c) => c?.metadata.uid)).not.toBe(before.claimUid);
      const after = await recreated('rec-2', before.podUid);
      await waitFor('a new node joined for rec-2', async (observe) => {
        observe(cluster().nodes().map((n) => `${n.uid}@${n.addr}:${n.status}`));
        return after.double.nodeUid !== undefined && cluster().node(after.double.nodeUid)?.status === 'active';
      }, { timeoutMs: 60_000 });
      console.log(`simulated-kubelet e2e: lost storage → rec-2 Ready as a new node in ${((Date.now() - t) / 1000).toFixed(1)} s`);

      expect(after.claim).toBe(before.claim);
      expect(after.ip).not.toBe(before.ip);
      expect(after.claimUid).not.toBe(before.claimUid);
      expect(after.double).not.toBe(before.double);
      expect(after.double.nodeUid).not.toBe(oldUid);
      // The stale node stays listed, down, until the leader's membership duty removes it (day2-node-replacement.test.ts).
      await waitFor(`stale node ${oldUid} removed`, async () => cluster().node(oldUid) === undefined, { timeoutMs: 60_000 });
      expect(cluster().nodes()).toHaveLength(3);
      expect(kubelet!.doubleOfClaim(before.claimUid)?.running).toBe(false);
      expect(kubelet!.history.slice(since).filter((a) => a.pod === 'rec-2').map((a) => a.what)).toEqual(['storage lost', 'stopped', 'deleted', 'started']);
      expect(kubelet!.errors).toEqual([]);
    });
  });
});
