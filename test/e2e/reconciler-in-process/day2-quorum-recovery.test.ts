/**
 * Day-2 operation: automatic quorum recovery, on the real control plane with
 * reconcilers in-process and one REST API double per pod.
 *
 * A converged 3-node cluster with two replicated databases loses two pods
 * (their reconcilers and REST doubles stop, the Pod objects are deleted):
 * the leader reports QuorumLost (Degraded). With one pod back the guard
 * blocks (a declared pod is missing) and nothing is recovered. With both back
 * (fresh nodes on the same claims, holding the cluster configuration) the
 * leader restarts the pod whose node still holds the failed cluster (the
 * test emulates the StatefulSet controller that recreates it), recovers the
 * cluster on its own node (`recover_cluster`), the other nodes rejoin
 * replacing their former uids, the databases are recovered (same names, uids
 * and ports), their EndpointSlices follow the new pod IPs, and
 * `QuorumRecovery` ends Succeeded: no flag, no kubectl, no claim or Secret
 * touched. A refused recovery ends Failed and is retried only when the
 * program raises `recoveryGeneration` (synthesized and applied). A negative
 * test: with only 1 of 3 nodes down the quorum holds and nothing is recovered.
 */
import { STATUS_HEALTH_KEY } from '../../../lib/contract/status-health';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { NODE_STATE_LABEL } from '../../../lib/reconciler/plan/quorum-recovery';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { kubeWritesBesidesLeases } from '../harness/reconciler-writes';
import { FleetNode, InProcessFleet } from './support/fleet';

const DATABASES = [{ name: 'cache', port: 12000, replication: true }, { name: 'sessions', port: 12001, replication: true }];

describeE2E('day-2 operation: automatic quorum recovery (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet | undefined;
  let stopFollowing: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopFollowing?.();
    stopFollowing = undefined;
    await fleet?.stop();
    fleet = undefined;
  });

  async function converged(): Promise<InProcessFleet> {
    const f = await InProcessFleet.create(client, info, 'd2-quorum', {
      fixture: (namespace) => synthesize({ namespace, databases: DATABASES }),
      persistentClaims: true,
    });
    fleet = f;
    await f.startAll();
    await f.until('converged', async () => {
      const cluster = f.registry.clusters()[0];
      const s = await f.status();
      return !!cluster && cluster.nodes().length === 3 && cluster.bdbs.list().filter((b) => b.status === 'active').length === 2
        && (await f.slices()).length === 4 && s?.clusterState === 'Running';
    }, 120_000);
    return f;
  }

  const health = async (f: InProcessFleet) => (await f.get('ConfigMap', f.state.cluster.statusConfigMapName))?.data?.[STATUS_HEALTH_KEY];
  const recovery = async (f: InProcessFleet) => (await f.status())?.operations?.find((o: any) => o.kind === 'QuorumRecovery');
  const recoverPosts = (f: InProcessFleet) => f.registry.requestLog.entries({ method: 'POST', path: /^\/v1\/bootstrap\/recover_cluster$/ }).length;
  const claims = async (f: InProcessFleet) => (await client.list('v1', 'PersistentVolumeClaim', f.ns))
    .map((c) => ({ name: c.metadata.name, uid: c.metadata.uid, volume: c.spec.volumeName, terminating: !!c.metadata.deletionTimestamp }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const databases = (f: InProcessFleet) => f.registry.clusters()[0].bdbs.list()
    .map((b) => ({ uid: b.uid, name: b.config.name, port: b.config.port, status: b.status }));

  async function deletePod(f: InProcessFleet, node: FleetNode): Promise<void> {
    await f.podGone(node);
    await client.delete(f.ref('v1', 'Pod', node.podName));
  }

  it('recovers the cluster and its databases by itself once every pod is back on its claim, never while one is missing', async () => {
    const f = await converged();
    const adminSecret = await f.get('Secret', f.state.cluster.credentialsSecretName);
    const claimsBefore = await claims(f);
    expect(claimsBefore.map((c) => c.name)).toEqual(['rec-0', 'rec-1', 'rec-2'].map((p) => `redis-enterprise-storage-${p}`));
    const dbsBefore = databases(f);
    expect(dbsBefore.map((d) => d.status)).toEqual(['active', 'active']);
    const uidsBefore = f.registry.clusters()[0].nodes().map((n) => n.uid);

    const leader = f.leaderNode()!;
    const lost = f.nodes.filter((n) => n !== leader);
    const kubeWritesBefore = f.metricTotal(kubeWritesBesidesLeases);
    const kubeBefore = new Map(['update configmaps', 'patch pods', 'delete pods', 'create events', 'create endpointslices', 'update endpointslices', 'delete endpointslices']
      .map((k) => [k, f.metricTotal((r) => r.metrics.get(M.kubeWrites, { verb: k.split(' ')[0], resource: k.split(' ')[1] }))]));
    const restBefore = f.metricTotal((r) => r.metrics.total(M.restRequests));
    const mark = f.registry.requestLog.mark();
    const t0 = Date.now();

    // Two of three pods are gone: the leader's node is alone in a cluster without quorum.
    for (const n of lost) await deletePod(f, n);
    leader.reconciler!.controller.trigger('test: two pods gone');
    await f.until('QuorumLost', async () => (await f.status())?.clusterState === 'QuorumLost' && (await health(f)) === 'Degraded', 60_000);

    // One pod back: a declared pod is still missing, so the guard blocks and nothing is recovered.
    await f.recreatePod(lost[0]);
    await f.until('recovery blocked on the missing pod', async () => {
      const op = await recovery(f);
      return op?.phase === 'Blocked' && op.message === `waiting for pod ${lost[1].podName} to be back`;
    }, 60_000);
    expect(recoverPosts(f)).toBe(0);
    expect((await f.get('Pod', lost[0].podName))?.metadata.labels?.[NODE_STATE_LABEL]).toBe('idle');
    expect((await f.get('Pod', leader.podName))?.metadata.labels?.[NODE_STATE_LABEL]).toBe('no-quorum');

    // The second pod back. The leader restarts its own pod (its node holds the failed cluster); the
    // StatefulSet controller, emulated here, recreates it on its claim; then the recovery runs by itself.
    stopFollowing = f.followPodDeletions();
    await f.recreatePod(lost[1]);
    await f.until('QuorumRecovery Succeeded and the cluster Running', async () => {
      const s = await f.status();
      const op = s?.operations?.find((o: any) => o.kind === 'QuorumRecovery');
      return op?.phase === 'Succeeded' && s.clusterState === 'Running' && (await health(f)) === 'Healthy';
    }, 240_000);
    const elapsedMs = Date.now() - t0;

    // Exactly one recovery, on one node; the other two rejoined as replacements of their former uids.
    expect(recoverPosts(f)).toBe(1);
    const cluster = f.registry.clusters()[0];
    expect(f.registry.clusters()).toHaveLength(1);
    expect(cluster.nodes().map((n) => [n.uid, n.status])).toEqual(uidsBefore.map((uid) => [uid, 'active']));
    const podIps = new Set(f.nodes.map((n) => n.podIp));
    expect(cluster.nodes().every((n) => podIps.has(n.addr))).toBe(true);
    // The databases are the same ones (uids, names, ports), active again.
    expect(databases(f)).toEqual(dbsBefore);
    const recoverDbPosts = f.registry.requestLog.entries({ method: 'POST', path: /^\/v1\/bdbs\/\d+\/actions\/recover$/ });
    expect(recoverDbPosts.filter((e) => e.status === 200)).toHaveLength(2);
    // Endpoints and EndpointSlices follow the pods' new IPs.
    const status = await f.status();
    for (const d of status.databases) expect(d.endpoints[0].pods.every((p: string) => f.nodes.some((n) => n.podName === p))).toBe(true);
    await f.until('slices on the new pod IPs', async () => {
      const slices = await f.slices();
      return slices.length === 4 && slices.every((s) => s.endpoints.length > 0 && s.endpoints.every((e: any) => podIps.has(e.addresses[0])));
    }, 60_000);

    // The operation's status: started at the loss, ended, the recovering pod named.
    const op = status.operations.find((o: any) => o.kind === 'QuorumRecovery');
    expect(op).toMatchObject({ phase: 'Succeeded', target: 'cluster rec (3 nodes)' });
    expect(op.message).toMatch(/^recovered on rec-\d: 3 nodes and 2 database\(s\) active$/);
    expect(Date.parse(op.endedAt)).toBeGreaterThanOrEqual(Date.parse(op.startedAt));
    for (const reason of ['QuorumRecoveryBlocked', 'QuorumRecoveryRunning', 'QuorumRecoverySucceeded']) {
      expect((await f.events(reason)).length).toBeGreaterThan(0);
    }

    // Nothing that holds data or credentials was touched; the sidecars' reports are gone.
    expect(await claims(f)).toEqual(claimsBefore);
    const secretAfter = await f.get('Secret', f.state.cluster.credentialsSecretName);
    expect([secretAfter?.metadata.uid, secretAfter?.metadata.resourceVersion]).toEqual([adminSecret?.metadata.uid, adminSecret?.metadata.resourceVersion]);
    await f.until('node-state labels removed', async () => {
      const pods = await Promise.all(f.nodes.map((n) => f.get('Pod', n.podName)));
      return pods.every((p) => p && p.metadata.labels?.[NODE_STATE_LABEL] === undefined);
    }, 60_000);

    // Measured, not asserted.
    const writes = f.registry.requestLog.mutations({ since: mark });
    const byRoute = new Map<string, number>();
    for (const w of writes) {
      const route = `${w.method} ${w.path.replace(/\/\d+(?=\/|$)/g, '/{uid}')}`;
      byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
    }
    const kubeWrites = f.metricTotal(kubeWritesBesidesLeases) - kubeWritesBefore;
    const kinds: Array<[string, string]> = [['update', 'configmaps'], ['patch', 'pods'], ['delete', 'pods'], ['create', 'events'], ['create', 'endpointslices'], ['update', 'endpointslices'], ['delete', 'endpointslices']];
    const kubeByKind = kinds.map(([verb, resource]) => `${verb} ${resource} ×${f.metricTotal((r) => r.metrics.get(M.kubeWrites, { verb, resource })) - (kubeBefore.get(`${verb} ${resource}`) ?? 0)}`);
    const podDeletes = f.metricTotal((r) => r.metrics.get(M.kubeWrites, { verb: 'delete', resource: 'pods' }));
    const restRequests = f.metricTotal((r) => r.metrics.total(M.restRequests)) - restBefore;
    console.log(`quorum recovery: ${elapsedMs} ms from the loss to Succeeded; REST writes ${writes.length} (${[...byRoute].map(([r, n]) => `${r} ×${n}`).join(', ')}); `
      + `REST requests (reconcilers' metric) ${restRequests}; Kubernetes writes besides Leases ${kubeWrites} (${kubeByKind.join(', ')}; pod deletes in all ${podDeletes})`);
  });

  it('a refused recovery is Failed with the reason, not retried by itself, and retried by raising recoveryGeneration (synth + apply)', async () => {
    const f = await converged();
    const leader = f.leaderNode()!;
    const lost = f.nodes.filter((n) => n !== leader);
    for (const n of lost) await deletePod(f, n);
    leader.reconciler!.controller.trigger('test: two pods gone');
    await f.until('QuorumLost', async () => (await f.status())?.clusterState === 'QuorumLost', 60_000);
    // The first recover_cluster is refused (a 400 from the REST API, whatever node gets it).
    const refusal = f.registry.faults.failNext(1, 400, { method: 'POST', path: '/v1/bootstrap/recover_cluster' });
    stopFollowing = f.followPodDeletions();
    for (const n of lost) await f.recreatePod(n);
    await f.until('QuorumRecovery Failed', async () => (await recovery(f))?.phase === 'Failed', 120_000);
    expect(refusal.fired).toBe(1);
    const failed = await recovery(f);
    expect(failed.message).toMatch(/^recover_cluster on rec-\d was refused: POST \/v1\/bootstrap\/recover_cluster: HTTP 400/);
    expect(failed.endedAt).toBeDefined();
    expect(await health(f)).toBe('Degraded');
    expect((await f.events('QuorumRecoveryFailed')).length).toBeGreaterThan(0);
    // Not retried by itself: more passes, still one attempt.
    const passes = f.metricTotal((r) => r.controller.state.passes);
    for (const n of f.nodes) n.reconciler?.controller.trigger('test: look again');
    await f.until('more passes', async () => f.metricTotal((r) => r.controller.state.passes) >= passes + 3, 60_000);
    expect(recoverPosts(f)).toBe(1);

    // The GitOps trigger: recoveryGeneration 1 in the program, synthesized and applied.
    await f.applyDesired(synthesize({ namespace: f.ns, databases: DATABASES, cluster: { recoveryGeneration: 1 } }));
    await f.until('QuorumRecovery Succeeded after the retry', async () => {
      const op = await recovery(f);
      return op?.phase === 'Succeeded' && op.target === 'cluster rec (3 nodes, recovery generation 1)' && (await f.status())?.clusterState === 'Running';
    }, 240_000);
    expect(recoverPosts(f)).toBe(2);
    expect(databases(f).map((d) => d.status)).toEqual(['active', 'active']);
  });

  it('recovers nothing while a majority is live: one of three nodes down and back', async () => {
    const f = await converged();
    const leader = f.leaderNode()!;
    const down = f.nodes.find((n) => n !== leader)!;
    await down.reconciler!.stop();
    down.reconciler = undefined;
    await down.double.stop();
    leader.reconciler!.controller.trigger('test: one node down');
    await f.until('one node down in the status', async () => {
      const s = await f.status();
      return s?.nodes.filter((n: any) => n.status === 'down').length === 1;
    }, 60_000);
    const s = await f.status();
    expect(s.clusterState).toBe('Running');
    expect(s.operations?.find((o: any) => o.kind === 'QuorumRecovery')).toBeUndefined();
    expect((await f.get('Pod', leader.podName))?.metadata.labels?.[NODE_STATE_LABEL]).toBeUndefined();

    await down.double.start();
    await f.startReconciler(down);
    // No watch sees a node come back over the REST API: the leader looks at its next pass.
    leader.reconciler!.controller.trigger('test: node back');
    await f.until('all nodes active again', async () => (await f.status())?.nodes.every((n: any) => n.status === 'active'), 60_000);
    expect(recoverPosts(f)).toBe(0);
    expect(f.metricTotal((r) => r.metrics.get(M.kubeWrites, { verb: 'delete', resource: 'pods' }))).toBe(0);
  });
});
