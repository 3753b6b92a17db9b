/**
 * The node pod's probes, run as the kubelet would run them (harness/prober.ts)
 * against each pod's stand-ins on 127.0.0.1: the REST API double for
 * `redis-enterprise-node` (9443) and the reconciler sidecar for `reconciler`
 * (8090). kwok leaves these pods' readiness to the prober, so the
 * StatefulSet's OrderedReady rollout, the Service's EndpointSlice and the
 * PodDisruptionBudget follow real probe outcomes.
 *
 * The stand-ins of a pod start only once the pod runs (the double's node
 * address is the pod's IP), one pod after the other, as the StatefulSet
 * controller creates them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { PodEvent, PodHistory } from './harness/pod-history';
import { probedByHarness, Prober } from './harness/prober';
import {
  ensureReconcilerBuilt, launchReconcilers, productionObjectsWith, REC, ReconcilerNode, serviceAccountCredentials, stopFleet,
} from './harness/reconciler-fleet';
import { ensureAvailableVolumes } from './harness/storage';
import { isPodReady, waitForReadyPods } from './harness/workloads';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e-probes';
const NODE = 'redis-enterprise-node';
const PODS = [0, 1, 2].map((i) => `${REC}-${i}`);

describeE2E('node pod probes, run by the harness prober', ({ client, info }) => {
  // Its own block: its afterAll (prober, pod watch) runs before describeE2E's closes the client.
  describe('a 3-node cluster whose stand-ins start pod by pod', () => {
    let ns: string;
    let dir: string;
    let history: PodHistory;
    const prober = new Prober(client);
    const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200 } });
    const nodes: ReconcilerNode[] = [];
    const podRef = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name });

    /** The first history event in which `pod` is Ready, and its index. */
    const firstReady = (events: PodEvent[], pod: string): number => events.findIndex((e) => e.name === pod && e.ready);

    beforeAll(async () => {
      await ensureReconcilerBuilt();
      ns = await createNamespace(client, 'probes');
      dir = fs.mkdtempSync(path.join(info.workDir, 'probes-'));
      await ensureAvailableVolumes(client, 3);
      history = await PodHistory.start(client, ns);
      prober.watch(ns);
      await client.apply(probedByHarness(productionObjectsWith(ns, [])), FIELD_MANAGER);
    });

    afterAll(async () => {
      await prober.stop();
      await history?.stop();
      await stopFleet({ nodes, info, logName: 'probes-e2e.log' });
      if (ns) await deleteNamespace(client, ns);
    });

    it('rolls out pod by pod, each Ready only once its probes pass, and pod 0 stays Ready after creating the cluster', async () => {
      const credentials = await serviceAccountCredentials(client, info, ns, dir);
      for (const [i, name] of PODS.entries()) {
        const pod = await waitFor(`${name} Running with an IP`, async (observe) => {
          const p = await client.tryGet<KubeObject>(podRef(name));
          observe(p?.status ?? 'absent');
          return p?.status?.phase === 'Running' && p.status.podIP && p;
        });
        // Nothing listens for it yet: its startup probe fails and it is not Ready, so the next pod is not created.
        await waitFor(`a failed startup probe of ${name}`, async (observe) => {
          const s = prober.stats(ns, name, NODE);
          observe(s ?? 'not probed yet');
          return (s?.startup.failures ?? 0) >= 1;
        });
        expect(isPodReady(await client.get(podRef(name)))).toBe(false);
        if (i + 1 < PODS.length) expect(await client.tryGet(podRef(PODS[i + 1]))).toBeUndefined();

        const [n] = await launchReconcilers({
          pods: [pod], registry, credentials, dir,
          env: { LEASE_DURATION_SECONDS: '6', RESYNC_SECONDS: '5', LOG_LEVEL: 'info' },
        });
        nodes.push(n);
        prober.standIns(ns, name, { 9443: n.started.port, 8090: n.port });
        await waitForReadyPods(client, ns, [name], 300_000);
      }

      // All three are in one Redis Enterprise cluster, and the node probe passed on each (authenticated, via the sidecar).
      await waitFor('3 nodes in the cluster', async () => registry.clusters()[0]?.nodes().length === 3);
      for (const name of PODS) {
        const s = prober.stats(ns, name, NODE)!;
        expect(s.startup.successes).toBe(1);
        expect(s.readiness.successes).toBeGreaterThanOrEqual(1);
        expect(s.wouldBeRestarts).toBe(0);
      }
      // Let the readiness probes run again after the last join, and the watch catch up.
      const runs = prober.stats(ns, PODS[0], NODE)!.readiness.runs;
      await waitFor(`${PODS[0]} probed twice more`, async () => prober.stats(ns, PODS[0], NODE)!.readiness.runs >= runs + 2, { timeoutMs: 60_000 });
      await waitFor('the history has seen all three Ready', async () => PODS.every((p) => firstReady(history.all(), p) >= 0));

      const events = history.all();
      // OrderedReady: each pod was created only after its predecessor was Ready.
      for (let i = 1; i < PODS.length; i++) {
        const created = events.findIndex((e) => e.name === PODS[i] && e.type === 'ADDED');
        expect(created).toBeGreaterThan(firstReady(events, PODS[i - 1]));
      }
      // Each pod stayed Ready from its first Ready on (pod 0 through creating the cluster and both joins).
      for (const name of PODS) {
        const after = events.slice(firstReady(events, name)).filter((e) => e.name === name);
        expect(after.filter((e) => !e.ready || !e.containers[NODE])).toEqual([]);
      }
      expect(prober.errors).toEqual([]);
    });

    it('a node whose REST API stops serving goes NotReady: out of the Service, counted by the PDB; back when it serves again', async () => {
      const victim = nodes[2];
      const fault = victim.double.faults.add({ kind: 'error', status: 503 });
      const notReady = await waitFor(`${victim.pod} NotReady`, async (observe) => {
        const p = await client.get<any>(podRef(victim.pod));
        observe(p.status.conditions);
        return !isPodReady(p) && p;
      }, { timeoutMs: 120_000 });
      const byName = Object.fromEntries(notReady.status.containerStatuses.map((s: any) => [s.name, s.ready]));
      expect(byName[NODE]).toBe(false);
      expect(notReady.status.conditions.find((c: any) => c.type === 'Ready').message).toContain(NODE);
      expect(prober.stats(ns, victim.pod, NODE)!.readiness.lastDetail).toMatch(/HTTP probe failed with statuscode: 503/);

      await waitFor(`the ${REC} Service's endpoint of ${victim.pod} not ready`, async (observe) => {
        const slices = await client.list('discovery.k8s.io/v1', 'EndpointSlice', ns, { labelSelector: `kubernetes.io/service-name=${REC}` });
        const eps = slices.flatMap((s) => s.endpoints ?? []);
        observe(eps.map((e: any) => `${e.targetRef?.name}:${e.conditions?.ready}`));
        return eps.length === 3 && eps.every((e: any) => e.conditions.ready === (e.targetRef.name !== victim.pod));
      });
      await waitFor('the PodDisruptionBudget allows no disruption', async (observe) => {
        const pdbs = await client.list('policy/v1', 'PodDisruptionBudget', ns);
        observe(pdbs.map((p) => p.status));
        return pdbs.length > 0 && pdbs.every((p) => p.status?.currentHealthy === 2 && p.status.disruptionsAllowed === 0);
      });
      for (const name of PODS.filter((p) => p !== victim.pod)) expect(isPodReady(await client.get(podRef(name)))).toBe(true);

      fault.remove();
      await waitForReadyPods(client, ns, [victim.pod], 120_000);
      expect(prober.stats(ns, victim.pod, NODE)!.wouldBeRestarts).toBe(0);
      expect(prober.errors).toEqual([]);
    });

    it('a node whose REST API is down fails its liveness probe: counted and recorded as an Event, not restarted', async () => {
      const victim = nodes[1];
      await victim.double.stop();
      // livenessProbe: tcpSocket 9443, every 15 s, 8 failures.
      const event = await waitFor(`an Unhealthy event for ${victim.pod}`, async (observe) => {
        const events = await client.events(ns, { name: victim.pod, kind: 'Pod' });
        observe({ stats: prober.stats(ns, victim.pod, NODE), events: events.map((e) => `${e.reason}: ${e.message}`) });
        return events.find((e) => e.reason === 'Unhealthy');
      }, { timeoutMs: 300_000 });
      expect(event.type).toBe('Warning');
      expect(event.message).toMatch(/^Liveness probe failed: .*ECONNREFUSED.*would restart container redis-enterprise-node \(not simulated\)$/);
      expect(prober.stats(ns, victim.pod, NODE)!.wouldBeRestarts).toBe(1);
      const pod = await client.get<any>(podRef(victim.pod));
      expect(isPodReady(pod)).toBe(false);
      expect(pod.status.containerStatuses.map((c: any) => c.restartCount)).toEqual([0, 0]);

      await victim.double.start();
      await waitForReadyPods(client, ns, [victim.pod], 120_000);
      expect(prober.errors).toEqual([]);
    });
  });
});
