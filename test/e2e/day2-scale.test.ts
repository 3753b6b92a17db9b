/**
 * Day-2 scale-out and scale-in, from code: the user's program changes `nodes`,
 * is synthesized again and applied wave by wave (as an Argo CD sync), on the
 * real control plane; the simulated kubelet runs the StatefulSet's pods (a
 * REST double per claim, an in-process reconciler per pod, the pods' probes
 * and preStop hooks).
 *
 * 3 -> 5: the two new pods' nodes join, the databases keep running.
 * 5 -> 3: the StatefulSet controller removes rec-4, then rec-3; each pod's
 * preStop sees its ordinal >= the declared 3 and removes its node from the
 * Redis Enterprise cluster (POST /v1/nodes/{uid}/actions/remove) before the
 * pod is deleted; the leader reports ScaleIn.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { describeE2E } from './harness/describe-e2e';
import {
  applyInWaves, claimsAndSecrets, databasesOf, ProgramDatabase, QuorumSampler, readStatus, synthProgram,
} from './harness/membership-fixture';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { addNodes, removeNodes } from './harness/nodes';
import { REC } from './harness/reconciler-fleet';
import { runBySimulatedKubelet, SimulatedKubelet } from './harness/simulated-kubelet';
import { ensureAvailableVolumes } from './harness/storage';
import { waitForReadyPods } from './harness/workloads';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e-day2-scale';
const DBS: ProgramDatabase[] = [{ name: 'cache', replication: true }, { name: 'sessions', replication: true }];
const pods = (n: number) => Array.from({ length: n }, (_, i) => `${REC}-${i}`);
/** Required anti-affinity by hostname: five pods need five Kubernetes nodes; the plane has three. */
const EXTRA_NODES = [{ name: 'kwok-node-scale-a', zone: 'zone-a' }, { name: 'kwok-node-scale-b', zone: 'zone-b' }];

describeE2E('day-2: scale out 3 -> 5 and scale in 5 -> 3 from code', ({ client, info }) => {
  let ns: string;
  let kubelet: SimulatedKubelet | undefined;
  const logs: string[] = [];
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200, nodeActionMs: 300 } });
  const cluster = () => registry.clusters()[0];
  const t0 = Date.now();

  async function deploy(nodes: number): Promise<void> {
    await applyInWaves(client, runBySimulatedKubelet(synthProgram(ns, nodes, DBS)), FIELD_MANAGER);
  }

  async function converged(n: number): Promise<void> {
    await waitForReadyPods(client, ns, pods(n), 240_000);
    await waitFor(`${n} active nodes and both databases active`, async (observe) => {
      const c = cluster();
      observe({ nodes: c?.nodes().map((x) => `${x.uid}@${x.addr}:${x.status}`), dbs: c && databasesOf(c) });
      return c?.nodes().length === n && c.nodes().every((x) => x.status === 'active')
        && c.bdbs.list().filter((b) => b.status === 'active').length === DBS.length;
    }, { timeoutMs: 120_000 });
  }

  beforeAll(async () => {
    ns = await createNamespace(client, 'day2-scale');
    await addNodes(client, EXTRA_NODES);
    await ensureAvailableVolumes(client, 5);
    kubelet = await SimulatedKubelet.start({
      client, info, namespace: ns, clusterName: REC, registry,
      reconcilerConfig: { resyncSeconds: 5, leaseDurationSeconds: 6, prestopTimeoutMs: 60_000 },
      logSink: (line) => logs.push(line),
    });
    await deploy(3);
    await converged(3);
  });

  afterAll(async () => {
    await kubelet?.stop();
    fs.writeFileSync(path.join(info.workDir, 'logs', 'day2-scale-e2e.log'), logs.join('\n') + '\n');
    if (ns) await deleteNamespace(client, ns);
    await removeNodes(client, EXTRA_NODES.map((n) => n.name));
    console.log(`day2-scale e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  });

  it('3 -> 5: both new pods\' nodes join and the databases keep running', async () => {
    const t = Date.now();
    const before = databasesOf(cluster());
    const mark = registry.requestLog.mark();
    const writes0 = kubelet!.kubeWritesBesidesLeases();
    await deploy(5);
    await converged(5);
    console.log(`day2-scale e2e: 3 -> 5 in ${((Date.now() - t) / 1000).toFixed(1)} s; ${registry.requestLog.mutations({ since: mark }).length} REST writes, `
      + `${kubelet!.kubeWritesBesidesLeases() - writes0} Kubernetes writes by the reconcilers (Leases left out)`);

    expect(kubelet!.nodes().map((n) => n.pod)).toEqual(pods(5));
    for (const n of kubelet!.nodes()) expect(cluster().nodeByAddr(n.ip)?.status).toBe('active');
    expect(databasesOf(cluster())).toEqual(before);
    // Joining is a bootstrap of the new nodes (join_cluster), no node action and no database write.
    const writes = registry.requestLog.mutations({ since: mark }).map((e) => `${e.method} ${e.path}`);
    expect(writes.filter((w) => /join_cluster$/.test(w))).toHaveLength(2);
    expect(writes.filter((w) => /\/actions\//.test(w) || /\/v1\/bdbs/.test(w))).toEqual([]);
    expect(kubelet!.errors).toEqual([]);
  });

  it('5 -> 3: each leaving pod\'s preStop removes its node before the pod is deleted; nothing is lost; ScaleIn Succeeded', async () => {
    const t = Date.now();
    const leaving = ['rec-4', 'rec-3'].map((p) => ({ pod: p, ip: kubelet!.node(p)!.ip, uid: kubelet!.node(p)!.double.nodeUid! }));
    const dbsBefore = databasesOf(cluster());
    const kept = await claimsAndSecrets(client, ns);
    const mark = registry.requestLog.mark();
    const since = kubelet!.history.length;
    const writes0 = kubelet!.kubeWritesBesidesLeases();
    const sampler = new QuorumSampler(cluster).start();
    try {
      await deploy(3);
      await waitFor('rec-3 and rec-4 gone, 3 nodes left', async (observe) => {
        const live = await client.list('v1', 'Pod', ns, { labelSelector: `redis.io/cluster=${REC}` });
        observe({ pods: live.map((p: KubeObject) => p.metadata.name), nodes: cluster().nodes().map((n) => `${n.uid}:${n.status}`) });
        return live.length === 3 && cluster().nodes().length === 3;
      }, { timeoutMs: 180_000 });
      await waitFor('ScaleIn Succeeded in the status ConfigMap', async (observe) => {
        const op = (await readStatus(client, ns))?.operations?.find((o) => o.kind === 'ScaleIn');
        observe(op);
        return op?.phase === 'Succeeded';
      }, { timeoutMs: 60_000 });
    } finally {
      sampler.stop();
    }
    const restWrites = registry.requestLog.mutations({ since: mark });
    console.log(`day2-scale e2e: 5 -> 3 in ${((Date.now() - t) / 1000).toFixed(1)} s; ${restWrites.length} REST writes `
      + `(${restWrites.map((e) => `${e.method} ${e.path}`).join(', ')}), ${kubelet!.kubeWritesBesidesLeases() - writes0} Kubernetes writes by the reconcilers (Leases left out)`);

    // Each node was removed through its own pod's API, once, highest ordinal first.
    const removes = restWrites.filter((e) => /\/v1\/nodes\/\d+\/actions\/remove$/.test(e.path));
    expect(removes.map((e) => [e.node, e.path, e.status])).toEqual(leaving.map((l) => [l.ip, `/v1/nodes/${l.uid}/actions/remove`, 200]));
    // No maintenance on a leaving node: a scale-in is not a restart.
    expect(restWrites.filter((e) => /maintenance_on$/.test(e.path))).toEqual([]);
    const history = kubelet!.history.slice(since);
    for (const [i, l] of leaving.entries()) {
      const mine = history.filter((a) => a.pod === l.pod);
      expect(mine.map((a) => a.what)).toEqual(['preStop called', 'preStop answered', 'stopped', 'deleted']);
      // The hook answered once the node was out of the cluster, and only then was the pod deleted.
      expect(mine[1].detail).toMatch(new RegExp(`^HTTP 200: node ${l.uid} was removed from the cluster`));
      const deleted = mine[3].at;
      expect(removes[i].at).toBeLessThan(mine[1].at);
      expect(mine[1].at).toBeLessThanOrEqual(deleted);
      expect(cluster().node(l.uid)).toBeUndefined();
      // One at a time: the next pod's preStop came after this pod was gone.
      if (i + 1 < leaving.length) expect(history.find((a) => a.pod === leaving[i + 1].pod)!.at).toBeGreaterThanOrEqual(deleted);
    }
    expect(sampler.samples.length).toBeGreaterThan(0);
    expect(sampler.belowMajority()).toEqual([]);
    const tightest = sampler.samples.reduce((a, b) => (b.active - b.members / 2 < a.active - a.members / 2 ? b : a));
    console.log(`day2-scale e2e: members during the scale-in ${[...new Set(sampler.samples.map((s) => `${s.active}/${s.members}`))].join(' -> ')} active; `
      + `tightest ${tightest.active} of ${tightest.members} (${sampler.samples.length} samples)`);

    // No database lost (same uids, all active, every shard re-homed), no claim deleted, no Secret overwritten.
    expect(databasesOf(cluster())).toEqual(dbsBefore);
    for (const b of cluster().bdbs.list()) for (const s of b.shards) expect(cluster().node(s.nodeUid)?.status).toBe('active');
    const after = await claimsAndSecrets(client, ns);
    expect(after.claims).toEqual(kept.claims);
    expect(after.secrets).toEqual(kept.secrets);

    const status = await readStatus(client, ns);
    const op = status!.operations!.find((o) => o.kind === 'ScaleIn')!;
    expect(op).toMatchObject({ phase: 'Succeeded', target: 'nodes 5 -> 3', startedAt: expect.stringMatching(/Z$/), endedAt: expect.stringMatching(/Z$/) });
    expect(Date.parse(op.endedAt!)).toBeGreaterThanOrEqual(Date.parse(op.startedAt));
    expect(status!.nodes.map((n) => n.pod).sort()).toEqual(pods(3));
    const events = await client.list('v1', 'Event', ns);
    expect(events.filter((e: KubeObject) => e.reason === 'NodeRemoved').map((e: KubeObject) => e.involvedObject.name).sort()).toEqual(['rec-3', 'rec-4']);
    expect(events.some((e: KubeObject) => e.reason === 'ScaleInSucceeded')).toBe(true);
    expect(kubelet!.errors).toEqual([]);
  });
});
