/**
 * Day-2 operation: rolling upgrade of Redis Enterprise, driven from code.
 * The user's program is synthesized with a new `image` (the UnsafeChangeGuard
 * comparing with the last rendered manifests, as `npm run synth` does) and
 * applied. The StatefulSet updates pods OnDelete, so the real StatefulSet
 * controller replaces nothing by itself; the simulated kubelet runs each pod
 * (REST API double per claim, whose software version follows the pod's
 * image, and the reconciler in-process) and the leader's rolling-upgrade
 * duty deletes one pod at a time.
 *
 * Asserted: pods replaced one at a time, highest ordinal first, each next
 * deletion only after the previous node left maintenance mode on its new
 * pod; every node on the new version; no database, PVC or Secret touched;
 * quorum kept throughout; RollingUpgrade Succeeded with started/ended. Then
 * a second upgrade whose first replaced node never gets its shards back
 * (maintenance_off refused): RollingUpgrade Blocked on that pod, Degraded,
 * and no further pod deleted.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { App, Chart } from 'cdk8s';
import { RedisEnterpriseCluster, RedisEnterpriseDatabase, UnsafeChangeGuard } from '../../lib';
import { nodePodSelector } from '../../lib/contract/labels';
import { M } from '../../lib/reconciler/runtime/metrics';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { PodHistory } from './harness/pod-history';
import { runBySimulatedKubelet, SimulatedKubelet } from './harness/simulated-kubelet';
import { ensureAvailableVolumes, STORAGE_CLASS } from './harness/storage';
import { synthObjects } from './harness/synth';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e-rolling-upgrade';
const REC = 'rec';
const PODS = [0, 1, 2].map((i) => `${REC}-${i}`);
const OLD = 'redislabs/redis:8.0.16-37.10';
const NEW = 'redislabs/redis:8.0.20-44.23';
const NEWER = 'redislabs/redis:8.2.0-46.13';
/** The smallest bound the construct accepts (REC032): the stuck node stops the roll after it. */
const NODE_TIMEOUT_SECONDS = 60;

/** The user's program: one cluster with one replicated database, guarded against unsafe changes since `renderedDir`. */
function program(namespace: string, image: string, renderedDir: string) {
  return (app: App) => {
    const chart = new Chart(app, 'upgrade', { namespace });
    const cluster = new RedisEnterpriseCluster(chart, REC, {
      name: REC, nodes: 3, image, upgradeNodeTimeoutSeconds: NODE_TIMEOUT_SECONDS,
      persistence: { storageClassName: STORAGE_CLASS, volumeSize: '20Gi' },
    });
    new RedisEnterpriseDatabase(chart, 'orders', { cluster, memorySize: '100MB', replication: true });
    new UnsafeChangeGuard(chart, 'guard', { previousManifestsDir: renderedDir });
  };
}

/** `npm run synth`: validate (with the guard), then write the rendered manifests the next synth compares with. */
function synth(namespace: string, image: string, renderedDir: string): KubeObject[] {
  const objects = synthObjects(program(namespace, image, renderedDir));
  fs.mkdirSync(renderedDir, { recursive: true });
  fs.writeFileSync(path.join(renderedDir, 'upgrade.k8s.yaml'), objects.map((o) => yaml.dump(o)).join('---\n'));
  return objects;
}

describeE2E('day-2: rolling upgrade under the reconciler\'s control', ({ client, info }) => {
  describe('a 3-node cluster with a replicated database', () => {
    let ns: string;
    let renderedDir: string;
    let kubelet: SimulatedKubelet;
    let history: PodHistory;
    const logLines: string[] = [];
    const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 50, actionMs: 50, crdbTaskMs: 50, nodeActionMs: 150 } });
    const ref = (kind: string, name: string, apiVersion = 'v1') => ({ apiVersion, kind, namespace: ns, name });

    const status = async (): Promise<{ doc: any; health?: string; message?: string } | undefined> => {
      const cm = await client.tryGet<KubeObject>(ref('ConfigMap', `${REC}-status`));
      const raw = cm?.data?.['status.json'];
      return raw ? { doc: JSON.parse(raw), health: cm!.data.health, message: cm!.data['health-message'] } : undefined;
    };
    const rollingUpgrade = async () => (await status())?.doc.operations?.find((o: any) => o.kind === 'RollingUpgrade');
    const pods = async () => Object.fromEntries((await client.list('v1', 'Pod', ns, { labelSelector: nodePodSelector(REC) }))
      .map((p) => [p.metadata.name, p]));
    /** A counter of every reconciler that ran (stopped ones included), summed per label set, e.g. `{verb="update",resource="leases"}`. */
    const counters = (name: string): Record<string, number> => {
      const sums: Record<string, number> = {};
      for (const n of kubelet.allNodes()) {
        for (const line of n.reconciler?.metrics.render().split('\n') ?? []) {
          const m = new RegExp(`^${name}(\\{.*\\})? (\\d+)$`).exec(line);
          if (m) sums[m[1] ?? '{}'] = (sums[m[1] ?? '{}'] ?? 0) + Number(m[2]);
        }
      }
      return sums;
    };
    const delta = (after: Record<string, number>, before: Record<string, number>) =>
      Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
    const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const cluster = () => registry.clusters()[0];

    beforeAll(async () => {
      ns = await createNamespace(client, 'day2-upgrade');
      renderedDir = fs.mkdtempSync(path.join(info.workDir, 'rolling-upgrade-manifests-'));
      await ensureAvailableVolumes(client, 3);
      kubelet = await SimulatedKubelet.start({
        client, info, namespace: ns, clusterName: REC, registry,
        reconcilerConfig: { resyncSeconds: 5, leaseDurationSeconds: 6, prestopTimeoutMs: 20_000 },
        logSink: (line) => logLines.push(line),
      });
      await client.apply(runBySimulatedKubelet(synth(ns, OLD, renderedDir)), FIELD_MANAGER);
      await waitFor('cluster Running, database orders active, Healthy', async (observe) => {
        const s = await status();
        observe(s ? { health: s.health, message: s.message } : 'no status yet');
        return s?.health === 'Healthy' && s.doc.databases.some((d: any) => d.name === 'orders' && d.status === 'active');
      }, { timeoutMs: 300_000, intervalMs: 1000 });
      history = await PodHistory.start(client, ns);
    }, 420_000);

    afterAll(async () => {
      await history?.stop();
      await kubelet?.stop();
      if (ns) await deleteNamespace(client, ns);
      fs.writeFileSync(path.join(info.workDir, 'logs', 'day2-rolling-upgrade-e2e.log'), logLines.join('\n'));
      if (renderedDir) fs.rmSync(renderedDir, { recursive: true, force: true });
    });

    it('replaces one pod at a time, highest ordinal first, each after the previous node rejoined; nothing lost', async () => {
      const before = await pods();
      expect(Object.keys(before).sort()).toEqual(PODS);
      const claimsBefore = (await client.list('v1', 'PersistentVolumeClaim', ns)).map((c) => `${c.metadata.name}:${c.metadata.uid}`).sort();
      const secretsBefore = (await client.list('v1', 'Secret', ns)).map((s) => `${s.metadata.name}:${s.metadata.resourceVersion}`).sort();
      const bdbsBefore = cluster().bdbs.list().map((b) => `${b.uid}:${b.config.name}`);
      const nodeUidsBefore = cluster().nodes().map((n) => n.uid).sort();
      expect(cluster().nodes().map((n) => n.softwareVersion)).toEqual(['8.0.16-37', '8.0.16-37', '8.0.16-37']);
      const restMark = registry.requestLog.mark();
      const kubeWritesBefore = counters(M.kubeWrites);
      const restRequestsBefore = counters(M.restRequests);
      const historyFrom = kubelet.history.length;

      // Quorum, sampled throughout: active Redis Enterprise nodes and running simulated pods.
      let minActive = Infinity;
      let maxDown = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          minActive = Math.min(minActive, cluster().nodes().filter((n) => n.status === 'active').length);
          maxDown = Math.max(maxDown, 3 - kubelet.nodes().filter((n) => n.double.running).length);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();

      const started = Date.now();
      await client.apply(runBySimulatedKubelet(synth(ns, NEW, renderedDir)), FIELD_MANAGER);
      // With OnDelete, the new template alone replaces nothing.
      const sts = await client.get<KubeObject>(ref('StatefulSet', REC, 'apps/v1'));
      expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
      const done = await waitFor('RollingUpgrade Succeeded', async (observe) => {
        const op = await rollingUpgrade();
        observe({ op, kubelet: kubelet.history.slice(-3) });
        return op?.phase === 'Succeeded' && op.target === `image ${OLD} -> ${NEW}` && op;
      }, { timeoutMs: 600_000, intervalMs: 1000 });
      const seconds = (Date.now() - started) / 1000;
      sampling = false;
      await sampler;

      // Order: preStop (the kubelet's termination of a deleted pod) rec-2, rec-1, rec-0, one at a time.
      const actions = kubelet.history.slice(historyFrom);
      const terminations = actions.filter((a) => a.what === 'preStop called');
      expect(terminations.map((a) => a.pod)).toEqual(['rec-2', 'rec-1', 'rec-0']);
      const maintenanceOff = registry.requestLog.entries({ since: restMark, method: 'POST', path: /\/actions\/maintenance_off$/ });
      const podsAfter = await pods();
      for (let i = 0; i < terminations.length; i++) {
        const pod = terminations[i].pod;
        const restarted = actions.find((a) => a.pod === pod && a.what === 'started' && a.at > terminations[i].at);
        expect({ pod, restarted: !!restarted }).toEqual({ pod, restarted: true });
        if (i + 1 < terminations.length) {
          // The next pod was deleted only after this one ran again and its node left maintenance mode.
          const next = terminations[i + 1];
          expect({ pod, next: next.pod, nextAfterStart: next.at > restarted!.at }).toEqual({ pod, next: next.pod, nextAfterStart: true });
          const off = maintenanceOff.find((e) => e.node === podsAfter[pod].status.podIP);
          expect({ pod, maintenanceOffBeforeNext: !!off && off.at < next.at }).toEqual({ pod, maintenanceOffBeforeNext: true });
        }
      }
      // Each pod replaced exactly once (one new pod per name, seen by the API server's watch).
      const added = history.all().filter((e) => e.type === 'ADDED');
      expect(added.map((e) => e.name).sort()).toEqual(PODS);
      for (const name of PODS) {
        expect(podsAfter[name].metadata.uid).not.toBe(before[name].metadata.uid);
        expect(podsAfter[name].spec.containers.find((c: any) => c.name === 'redis-enterprise-node').image).toBe(NEW);
      }

      // Every node on the new version, same node uids (rejoined, not replaced), quorum kept, at most one pod down.
      expect(cluster().nodes().map((n) => `${n.uid}:${n.status}:${n.softwareVersion}`).sort())
        .toEqual(nodeUidsBefore.map((uid) => `${uid}:active:8.0.20-44`));
      expect(minActive).toBeGreaterThanOrEqual(2);
      expect(maxDown).toBeLessThanOrEqual(1);
      // Nothing lost or overwritten.
      expect(cluster().bdbs.list().map((b) => `${b.uid}:${b.config.name}`)).toEqual(bdbsBefore);
      expect(cluster().bdbs.list().every((b) => b.status === 'active')).toBe(true);
      expect((await client.list('v1', 'PersistentVolumeClaim', ns)).map((c) => `${c.metadata.name}:${c.metadata.uid}`).sort()).toEqual(claimsBefore);
      expect((await client.list('v1', 'Secret', ns)).map((s) => `${s.metadata.name}:${s.metadata.resourceVersion}`).sort()).toEqual(secretsBefore);
      // The status: Succeeded with started and ended; Healthy again.
      expect(done).toMatchObject({ message: 'every node runs 8.0.20-44', startedAt: expect.any(String), endedAt: expect.any(String) });
      expect(Date.parse(done.endedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
      await waitFor('Healthy after the roll', async () => (await status())?.health === 'Healthy', { timeoutMs: 60_000 });
      expect(kubelet.errors).toEqual([]);

      const writes = registry.requestLog.mutations({ since: restMark });
      const byPath: Record<string, number> = {};
      for (const w of writes) {
        const key = `${w.method} ${w.path.replace(/\/\d+\//, '/{uid}/')}`;
        byPath[key] = (byPath[key] ?? 0) + 1;
      }
      const kube = delta(counters(M.kubeWrites), kubeWritesBefore);
      const rest = delta(counters(M.restRequests), restRequestsBefore);
      // Measured, printed, not asserted (the machine is shared).
      process.stdout.write(`[rolling-upgrade] ${OLD} -> ${NEW}: ${seconds.toFixed(1)} s; REST writes (double's requestLog) ${writes.length} ${JSON.stringify(byPath)}; `
        + `reconcilers' REST requests ${sum(rest)} ${JSON.stringify(rest)}; Kubernetes writes by the reconcilers ${sum(kube)} ${JSON.stringify(kube)}\n`);
      // The roll's own Kubernetes writes: exactly one pod delete per pod.
      expect(kube['{verb="delete",resource="pods"}']).toBe(3);
    }, 700_000);

    it('a node whose shards never come back stops the next roll: Blocked on that pod, Degraded, no further pod deleted', async () => {
      const before = await pods();
      // rec-2's node (the same REST double comes back with its claim) refuses maintenance_off: it stays in maintenance mode.
      const stuckClaim = kubelet.node('rec-2')!.claimUid;
      const fault = kubelet.doubleOfClaim(stuckClaim)!.faults.add({ kind: 'error', status: 500, method: 'POST', path: /\/actions\/maintenance_off$/ });
      const historyFrom = kubelet.history.length;
      try {
        // A downgrade is refused at synth (REGIT011): nothing is written.
        expect(() => synth(ns, OLD, renderedDir)).toThrow(/REGIT011[\s\S]*older than 8\.0\.20-44/);
        await client.apply(runBySimulatedKubelet(synth(ns, NEWER, renderedDir)), FIELD_MANAGER);
        const blocked = await waitFor('RollingUpgrade Blocked', async (observe) => {
          const op = await rollingUpgrade();
          observe(op);
          return op?.phase === 'Blocked' && op.target === `image ${NEW} -> ${NEWER}` && op;
        }, { timeoutMs: 300_000, intervalMs: 1000 });
        expect(blocked).toMatchObject({ node: 'rec-2', message: expect.stringMatching(/not healthy 60 s after pod rec-2 was replaced.*maintenance mode/) });
        expect(fault.fired).toBeGreaterThan(0);
        const s = await status();
        expect(s?.health).toBe('Degraded');
        expect(s?.message).toMatch(/RollingUpgrade image .* \(rec-2\): stopped/);
        // Several passes later (resync 5 s, active operations polled every 2 s), still nothing else deleted.
        await new Promise((r) => setTimeout(r, 15_000));
        const after = await pods();
        expect(kubelet.history.slice(historyFrom).filter((a) => a.what === 'preStop called').map((a) => a.pod)).toEqual(['rec-2']);
        for (const name of ['rec-0', 'rec-1']) {
          expect(after[name].metadata.uid).toBe(before[name].metadata.uid);
          expect(after[name].spec.containers.find((c: any) => c.name === 'redis-enterprise-node').image).toBe(NEW);
        }
        expect((await rollingUpgrade())?.phase).toBe('Blocked');
        expect(cluster().nodes().filter((n) => n.status === 'active')).toHaveLength(3);
      } finally {
        fault.remove();
      }
    }, 400_000);
  });
});
