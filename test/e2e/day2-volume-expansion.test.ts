/**
 * Day-2 operation: volume expansion (issue 11, operation 3). A synthesized
 * 3-node cluster is applied to the real control plane (the StatefulSet
 * controller, the PV binder, the PersistentVolumeClaimResize admission and
 * the garbage collector are the real ones; kwok runs the pods and the
 * simulated kubelet, harness/simulated-kubelet.ts, runs their containers: a
 * REST API double per claim and an in-process reconciler per pod, readiness
 * from the pods' own probes). The program is
 * re-synthesized with a larger `persistence.volumeSize` and applied as Argo
 * CD does: the desired state first (wave -1), then the StatefulSet, whose
 * apply fails on the immutable claim templates and is retried, as the
 * Application's sync retry does, until the reconciler has expanded every
 * claim and deleted the StatefulSet with propagationPolicy Orphan; the
 * simulated kubelet follows the pods by uid, so it sees that none restarted.
 *
 * No CSI driver runs here: harness/volume-resizer.ts does what the
 * external-resizer and the kubelet do for the claims of an expandable class.
 */
import { Chart } from 'cdk8s';
import { RedisEnterpriseCluster, RedisEnterpriseDatabase } from '../../lib';
import { KubeClient, KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { PlaneInfo, kubernetesMinorVersion } from './harness/connection';
import { describeE2E } from './harness/describe-e2e';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { runBySimulatedKubelet, SimulatedKubelet } from './harness/simulated-kubelet';
import { readStatusDocument } from './harness/status-document';
import { addSizedStorage, removeSizedStorage } from './harness/storage';
import { synthObjects } from './harness/synth';
import { VolumeResizer } from './harness/volume-resizer';
import { claimNames, waitForBoundClaims, waitForReadyPods } from './harness/workloads';

const REC = 'rec';
const PODS = [0, 1, 2].map((i) => `${REC}-${i}`);
const CLAIMS = claimNames('redis-enterprise-storage', REC, 3);
const FIELD_MANAGER = 'day2-volume-expansion';
/** The Argo CD Application retries a failed sync with back-off (10 s doubling, at most 3 min); here every 3 s to keep the test short. */
const SYNC_RETRY_MS = 3000;
const IMMUTABLE = /spec: Forbidden: updates to statefulset spec for fields other than/;
/** What the reconcilers read from their env, changed for the test: a pass on changes only (no periodic resync), a short Lease. */
const RECONCILER_CONFIG = { resyncSeconds: 3600, leaseDurationSeconds: 3 };

const ref = (ns: string, kind: string, name: string) => ({ apiVersion: kind === 'StatefulSet' ? 'apps/v1' : 'v1', kind, namespace: ns, name });

/** The synthesized program, its StatefulSet's pods run by the simulated kubelet. */
function clusterObjects(ns: string, storageClassName: string, volumeSize: string, kubernetesVersion: string): KubeObject[] {
  return runBySimulatedKubelet(synthObjects((app) => {
    const chart = new Chart(app, 'volume-expansion', { namespace: ns });
    const cluster = new RedisEnterpriseCluster(chart, REC, { name: REC, nodes: 3, kubernetesVersion, persistence: { storageClassName, volumeSize } });
    new RedisEnterpriseDatabase(chart, 'orders', { cluster, memorySize: '100MB', replication: true });
  }));
}

const status = (client: KubeClient, ns: string): Promise<any> => readStatusDocument(client, ns, REC);

const volumeExpansion = (s: any) => (s?.operations ?? []).find((o: any) => o.kind === 'VolumeExpansion');

/** The live objects a test must find unchanged: pods (not restarted), claims (not deleted), Secrets (not overwritten). */
async function identities(client: KubeClient, ns: string): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const p of PODS) ids[`Pod/${p}`] = (await client.get(ref(ns, 'Pod', p))).metadata.uid;
  for (const c of CLAIMS) ids[`PersistentVolumeClaim/${c}`] = (await client.get(ref(ns, 'PersistentVolumeClaim', c))).metadata.uid;
  for (const s of [REC, 'redb-orders']) {
    const secret = await client.get(ref(ns, 'Secret', s));
    ids[`Secret/${s}`] = `${secret.metadata.uid}@${secret.metadata.resourceVersion}`;
  }
  return ids;
}

interface Deployed {
  ns: string;
  registry: ApiDoubleClusterRegistry;
  kubelet: SimulatedKubelet;
  kubernetesVersion: string;
}

/**
 * Runs `body` on a converged cluster of its own: a namespace, a StorageClass
 * `className` with three 20Gi PVs, the simulated kubelet, the program applied,
 * 3 pods Ready on Bound claims, the database active. Removes all of it after,
 * the kubelet before the namespace (it hands the pods back to kwok), and
 * fails if the kubelet itself had errors.
 */
async function onDeployedCluster(
  client: KubeClient, info: PlaneInfo, o: { prefix: string; className: string; allowVolumeExpansion: boolean },
  body: (d: Deployed) => Promise<void>,
): Promise<void> {
  const ns = await createNamespace(client, o.prefix);
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20 } });
  await addSizedStorage(client, { className: o.className, allowVolumeExpansion: o.allowVolumeExpansion, size: '20Gi', count: 3 });
  let kubelet: SimulatedKubelet | undefined;
  try {
    kubelet = await SimulatedKubelet.start({ client, info, namespace: ns, clusterName: REC, registry, reconcilerConfig: RECONCILER_CONFIG });
    const kubernetesVersion = kubernetesMinorVersion(info);
    await client.apply(clusterObjects(ns, o.className, '20Gi', kubernetesVersion), FIELD_MANAGER);
    await waitForReadyPods(client, ns, PODS);
    await waitForBoundClaims(client, ns, CLAIMS);
    await waitFor('cluster Running with database orders active', async (observe) => {
      const s = await status(client, ns);
      observe({ clusterState: s?.clusterState, lastError: s?.lastError, databases: s?.databases, kubelet: kubelet!.history.slice(-3) });
      return s?.clusterState === 'Running' && s.databases.some((d: any) => d.name === 'orders' && d.status === 'active');
    }, { timeoutMs: 120_000, intervalMs: 200 });
    await body({ ns, registry, kubelet, kubernetesVersion });
    expect(kubelet.errors).toEqual([]);
  } finally {
    await kubelet?.stop();
    await deleteNamespace(client, ns);
    await removeSizedStorage(client, o.className);
  }
}

/** Server-side apply of every object but the StatefulSet (and the status ConfigMap, which Argo CD leaves to the reconciler). */
async function applyAllButStatefulSet(client: KubeClient, objects: KubeObject[]): Promise<void> {
  await client.apply(objects.filter((o) => o.kind !== 'StatefulSet' && o.metadata.name !== `${REC}-status`), FIELD_MANAGER);
}

async function applyStatefulSet(client: KubeClient, objects: KubeObject[]): Promise<{ ok: true; uid: string } | { ok: false; message: string }> {
  try {
    const [live] = await client.apply(objects.filter((o) => o.kind === 'StatefulSet'), FIELD_MANAGER);
    return { ok: true, uid: live.metadata.uid };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

describeE2E('day-2: volume expansion from a larger persistence.volumeSize', ({ client, info }) => {
  it('expands every claim in place, replaces the StatefulSet (orphan) and the re-apply adopts the same pods', async () => {
    const className = 'e2e-expandable';
    await onDeployedCluster(client, info, { prefix: 'day2-volume', className, allowVolumeExpansion: true }, async ({ ns, registry, kubelet, kubernetesVersion }) => {
      const resizer = VolumeResizer.start({ client, namespace: ns, stepMs: 300 });
      try {
        const before = await identities(client, ns);
        const stsBefore = await client.get(ref(ns, 'StatefulSet', REC));
        const rest = registry.requestLog.totals;
        const kubeBefore = kubelet.kubeWritesByVerbResource();

        // The changed program: 20Gi -> 30Gi. The desired state applies; the StatefulSet does not.
        const started = Date.now();
        const next = clusterObjects(ns, className, '30Gi', kubernetesVersion);
        await applyAllButStatefulSet(client, next);
        const first = await applyStatefulSet(client, next);
        expect(first).toEqual({ ok: false, message: expect.stringMatching(IMMUTABLE) });

        // Argo CD's retry: apply again until the reconciler has deleted the old StatefulSet; meanwhile record what the status said.
        const messages: string[] = [];
        const failures: string[] = [first.ok ? '' : first.message];
        const watchStatus = setInterval(() => {
          status(client, ns).then((s) => {
            const m = volumeExpansion(s)?.message;
            if (m && messages[messages.length - 1] !== m) messages.push(m);
          }).catch(() => undefined);
        }, 100);
        let applied: { ok: true; uid: string } | undefined;
        try {
          applied = await waitFor('the StatefulSet applied again', async (observe) => {
            await new Promise((r) => setTimeout(r, SYNC_RETRY_MS));
            const r = await applyStatefulSet(client, next);
            if (!r.ok) failures.push(r.message);
            observe({ operation: volumeExpansion(await status(client, ns)), lastFailure: failures[failures.length - 1], resizer: resizer.history.slice(-3) });
            return r.ok ? r : undefined;
          }, { timeoutMs: 120_000, intervalMs: 0 });
          await waitFor('VolumeExpansion Succeeded', async (observe) => {
            const op = volumeExpansion(await status(client, ns));
            observe(op);
            return op?.phase === 'Succeeded';
          }, { timeoutMs: 60_000, intervalMs: 100 });
        } finally {
          clearInterval(watchStatus);
        }
        const elapsedMs = Date.now() - started;

        // Every failed apply failed on the immutable field, and nothing else.
        for (const f of failures) expect(f).toMatch(IMMUTABLE);
        // The new StatefulSet has the new claim template and adopted the very same pods.
        const sts = await client.get(ref(ns, 'StatefulSet', REC));
        expect(sts.metadata.uid).toBe(applied!.uid);
        expect(sts.metadata.uid).not.toBe(stsBefore.metadata.uid);
        expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('30Gi');
        await waitFor('the new StatefulSet owns the pods, all Ready', async (observe) => {
          const pods = await Promise.all(PODS.map((p) => client.get(ref(ns, 'Pod', p))));
          observe(pods.map((p) => ({ pod: p.metadata.name, owner: p.metadata.ownerReferences?.[0]?.uid })));
          const s = await client.get(ref(ns, 'StatefulSet', REC));
          return pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === sts.metadata.uid) && s.status?.readyReplicas === 3;
        }, { timeoutMs: 60_000, intervalMs: 200 });
        expect(await identities(client, ns)).toEqual(before);
        // The kubelet follows pods by uid: it started each container set once and stopped none.
        expect(kubelet.history.map((a) => `${a.what} ${a.pod}`)).toEqual(PODS.map((p) => `started ${p}`));
        const stsNow = await client.get(ref(ns, 'StatefulSet', REC));
        // Same pod template, same revision: the adopted pods are current, no rollout.
        expect(stsNow.status.updateRevision).toBe(stsBefore.status.updateRevision);
        expect(stsNow.status.currentRevision).toBe(stsBefore.status.currentRevision);
        for (const c of CLAIMS) {
          const claim = await client.get(ref(ns, 'PersistentVolumeClaim', c));
          expect({ request: claim.spec.resources.requests.storage, capacity: claim.status.capacity.storage, conditions: claim.status.conditions ?? [] })
            .toEqual({ request: '30Gi', capacity: '30Gi', conditions: [] });
          const pv = await client.get({ apiVersion: 'v1', kind: 'PersistentVolume', name: claim.spec.volumeName });
          expect(pv.spec.capacity.storage).toBe('30Gi');
        }
        // The resizer took every step for every claim, the reconciler saw them, and said where it was.
        for (const c of CLAIMS) {
          expect(resizer.history.filter((h) => h.claim === c).map((h) => h.what.split(' ')[0])).toEqual(['Resizing', 'PV', 'NodeResizeInProgress', 'capacity']);
        }
        expect(messages.some((m) => /^waiting for claims: .*redis-enterprise-storage-rec-\d 20Gi of 30Gi/.test(m))).toBe(true);
        expect(messages).toContain('StatefulSet deleted (orphan), waiting for it to be applied again (the Argo CD sync retry, or kubectl apply)');

        const s = await status(client, ns);
        const op = volumeExpansion(s);
        expect(op).toEqual({
          kind: 'VolumeExpansion', phase: 'Succeeded', target: 'volume 20Gi -> 30Gi',
          message: 'every claim and the StatefulSet\'s claim templates have volume 30Gi',
          startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), endedAt: expect.stringMatching(/Z$/),
        });
        expect(Date.parse(op.endedAt)).toBeGreaterThanOrEqual(Date.parse(op.startedAt));
        // No database lost.
        expect(s.databases.find((d: any) => d.name === 'orders')?.status).toBe('active');
        expect(registry.clusters()[0].bdbs.list().map((b) => b.config.name)).toEqual(['orders']);
        const events = (await client.list('v1', 'Event', ns)).map((e) => e.reason);
        expect(events).toEqual(expect.arrayContaining(['VolumeExpansionRunning', 'StatefulSetOrphanDeleted', 'VolumeExpansionSucceeded']));
        expect(events).not.toContain('VolumeExpansionBlocked');

        // What the operation cost: REST writes from the doubles' log, Kubernetes writes from the reconcilers' counters.
        const cost = {
          elapsedMs,
          restRequests: registry.requestLog.totals.requests - rest.requests,
          restWrites: registry.requestLog.totals.mutations - rest.mutations,
          kubeWrites: Object.fromEntries(Object.entries(kubelet.kubeWritesByVerbResource())
            .map(([k, v]) => [k, v - (kubeBefore[k] ?? 0)]).filter(([, v]) => v !== 0)),
          statefulSetApplyFailures: failures.length,
        };
        console.log(`volume expansion 20Gi -> 30Gi on 3 nodes: ${JSON.stringify(cost)}`);
        expect(cost.restWrites).toBe(0);
        expect(cost.kubeWrites['patch persistentvolumeclaims']).toBe(3);
        expect(cost.kubeWrites['delete statefulsets']).toBe(1);
      } finally {
        await resizer.stop();
      }
    });
  });

  it('is Blocked with the API server\'s reason on a StorageClass without allowVolumeExpansion, and deletes nothing', async () => {
    const className = 'e2e-fixed-size';
    await onDeployedCluster(client, info, { prefix: 'day2-volume-fixed', className, allowVolumeExpansion: false }, async ({ ns, kubelet, kubernetesVersion }) => {
      const before = await identities(client, ns);
      const stsBefore = await client.get(ref(ns, 'StatefulSet', REC));

      const next = clusterObjects(ns, className, '30Gi', kubernetesVersion);
      await applyAllButStatefulSet(client, next);
      expect(await applyStatefulSet(client, next)).toEqual({ ok: false, message: expect.stringMatching(IMMUTABLE) });

      const op = await waitFor('VolumeExpansion Blocked', async (observe) => {
        const o = volumeExpansion(await status(client, ns));
        observe(o);
        return o?.phase === 'Blocked' ? o : undefined;
      }, { timeoutMs: 60_000, intervalMs: 100 });
      expect(op).toEqual({
        kind: 'VolumeExpansion', phase: 'Blocked', target: 'volume 20Gi -> 30Gi', node: 'rec-0',
        message: 'claim redis-enterprise-storage-rec-0 cannot be expanded: persistentvolumeclaims "redis-enterprise-storage-rec-0" is forbidden: '
          + 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
        startedAt: expect.stringMatching(/Z$/),
      });
      // A few more passes (a pod label change triggers one): still Blocked, and nothing deleted or changed.
      await client.patch(ref(ns, 'Pod', PODS[0]), { metadata: { labels: { 'e2e-nudge': '1' } } });
      await new Promise((r) => setTimeout(r, 3000));
      expect(volumeExpansion(await status(client, ns))).toMatchObject({ phase: 'Blocked', startedAt: op.startedAt });
      expect((await client.get(ref(ns, 'StatefulSet', REC))).metadata.uid).toBe(stsBefore.metadata.uid);
      expect(await identities(client, ns)).toEqual(before);
      expect(kubelet.history.map((a) => `${a.what} ${a.pod}`)).toEqual(PODS.map((p) => `started ${p}`));
      for (const c of CLAIMS) expect((await client.get(ref(ns, 'PersistentVolumeClaim', c))).spec.resources.requests.storage).toBe('20Gi');
      expect(kubelet.kubeWritesByVerbResource()['delete statefulsets'] ?? 0).toBe(0);
      const events = await client.list('v1', 'Event', ns);
      expect(events.filter((e) => e.reason === 'VolumeExpansionBlocked').map((e) => e.type)).toEqual(['Warning']);
      expect(events.map((e) => e.reason)).not.toContain('StatefulSetOrphanDeleted');
      expect((await status(client, ns)).databases.find((d: any) => d.name === 'orders')?.status).toBe('active');
    });
  });
});
