/**
 * Day-2 node replacement on the real control plane: a pod that comes back
 * with empty storage (its claim lost) joins as a new Redis Enterprise node;
 * the leader then removes the stale node that pod used to be (down, no live
 * pod holds it, its pod has a new node) once its shards have copies
 * elsewhere, and reports NodeReplacement. The pod↔node mapping does not rely
 * on pod IPs: the node's hostname is its pod's name.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubeObject, waitFor } from '../support/kube-client';
import { ApiDoubleClusterRegistry } from '../support/redis-enterprise-api-double';
import { describeE2E } from './harness/describe-e2e';
import { applyInWaves, claimsAndSecrets, databasesOf, ProgramDatabase, QuorumSampler, readStatus, synthProgram } from './harness/membership-fixture';
import { createNamespace, deleteNamespace } from './harness/namespaces';
import { REC } from './harness/reconciler-fleet';
import { runBySimulatedKubelet, SimulatedKubelet } from './harness/simulated-kubelet';
import { ensureAvailableVolumes } from './harness/storage';
import { isPodReady, waitForReadyPods } from './harness/workloads';

const FIELD_MANAGER = 'cdk8s-redis-enterprise-e2e-day2-node-replacement';
const DBS: ProgramDatabase[] = [{ name: 'cache', replication: true }, { name: 'sessions', replication: true }];
const PODS = [0, 1, 2].map((i) => `${REC}-${i}`);

describeE2E('day-2: node replacement after a pod lost its storage', ({ client, info }) => {
  let ns: string;
  let kubelet: SimulatedKubelet | undefined;
  const logs: string[] = [];
  const registry = new ApiDoubleClusterRegistry({ timing: { bootstrapMs: 200, actionMs: 200, crdbTaskMs: 200, nodeActionMs: 300 } });
  const cluster = () => registry.clusters()[0];
  const t0 = Date.now();

  beforeAll(async () => {
    ns = await createNamespace(client, 'day2-replace');
    await ensureAvailableVolumes(client, 5);
    kubelet = await SimulatedKubelet.start({
      client, info, namespace: ns, clusterName: REC, registry,
      reconcilerConfig: { resyncSeconds: 5, leaseDurationSeconds: 6, prestopTimeoutMs: 30_000 },
      logSink: (line) => logs.push(line),
    });
    await applyInWaves(client, runBySimulatedKubelet(synthProgram(ns, 3, DBS)), FIELD_MANAGER);
    await waitForReadyPods(client, ns, PODS, 240_000);
    await waitFor('3 active nodes and both databases active', async () =>
      cluster()?.nodes().filter((n) => n.status === 'active').length === 3 && cluster().bdbs.list().filter((b) => b.status === 'active').length === 2,
    { timeoutMs: 120_000 });
  });

  afterAll(async () => {
    await kubelet?.stop();
    fs.writeFileSync(path.join(info.workDir, 'logs', 'day2-node-replacement-e2e.log'), logs.join('\n') + '\n');
    if (ns) await deleteNamespace(client, ns);
    console.log(`day2-node-replacement e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  });

  it('rec-1 comes back empty: a new node joins, the stale one is removed, NodeReplacement Succeeded, no database lost', async () => {
    const t = Date.now();
    const before = kubelet!.node('rec-1')!;
    const staleUid = before.double.nodeUid!;
    const dbsBefore = databasesOf(cluster());
    const kept = await claimsAndSecrets(client, ns);
    const mark = registry.requestLog.mark();
    const writes0 = kubelet!.kubeWritesBesidesLeases();
    const sampler = new QuorumSampler(cluster).start();
    let newUid: number | undefined;
    try {
      await kubelet!.loseStorage('rec-1');
      await waitFor('rec-1 recreated on a new claim and Ready', async (observe) => {
        const p = await client.tryGet<KubeObject>({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'rec-1' });
        observe({ uid: p?.metadata.uid, ready: p && isPodReady(p) });
        return !!p && p.metadata.uid !== before.podUid && isPodReady(p) && kubelet!.node('rec-1')?.claimUid !== before.claimUid;
      }, { timeoutMs: 120_000 });
      newUid = kubelet!.node('rec-1')!.double.nodeUid;
      await waitFor('the stale node removed and NodeReplacement Succeeded', async (observe) => {
        const op = (await readStatus(client, ns))?.operations?.find((o) => o.kind === 'NodeReplacement');
        observe({ op, nodes: cluster().nodes().map((n) => `${n.uid}@${n.addr}:${n.status}`) });
        return cluster().node(staleUid) === undefined && op?.phase === 'Succeeded';
      }, { timeoutMs: 120_000 });
    } finally {
      sampler.stop();
    }
    const restWrites = registry.requestLog.mutations({ since: mark });
    console.log(`day2-node-replacement e2e: lost storage -> replaced in ${((Date.now() - t) / 1000).toFixed(1)} s; ${restWrites.length} REST writes `
      + `(${restWrites.map((e) => `${e.method} ${e.path}`).join(', ')}), ${kubelet!.kubeWritesBesidesLeases() - writes0} Kubernetes writes by the reconcilers (Leases left out)`);

    expect(newUid).toBeDefined();
    expect(newUid).not.toBe(staleUid);
    // The leader removed the stale node once (through its own node's API), after the new node had joined.
    const removes = restWrites.filter((e) => /\/actions\/remove$/.test(e.path));
    expect(removes.map((e) => [e.path, e.status])).toEqual([[`/v1/nodes/${staleUid}/actions/remove`, 200]]);
    const joined = restWrites.find((e) => /join_cluster$/.test(e.path))!;
    expect(joined.seq).toBeLessThan(removes[0].seq);
    expect(cluster().nodes().map((n) => n.status)).toEqual(['active', 'active', 'active']);
    expect(cluster().node(newUid!)?.addr).toBe(kubelet!.node('rec-1')!.ip);
    expect(sampler.belowMajority()).toEqual([]);

    // No database lost: same databases and shard counts, every shard on a live node, replicas re-created.
    expect(databasesOf(cluster())).toEqual(dbsBefore);
    for (const b of cluster().bdbs.list()) for (const s of b.shards) expect(cluster().node(s.nodeUid)?.status).toBe('active');
    // The lost claim was replaced by the kubelet's fault (same name, new uid); no other claim went, no Secret was overwritten.
    const after = await claimsAndSecrets(client, ns);
    expect(Object.keys(after.claims).sort()).toEqual(Object.keys(kept.claims).sort());
    for (const [name, uid] of Object.entries(kept.claims)) if (name !== before.claim) expect(after.claims[name]).toBe(uid);
    expect(after.secrets).toEqual(kept.secrets);

    const status = await readStatus(client, ns);
    const op = status!.operations!.find((o) => o.kind === 'NodeReplacement')!;
    expect(op).toMatchObject({
      phase: 'Succeeded', target: `pod rec-1: node ${staleUid} -> ${newUid}`, startedAt: expect.stringMatching(/Z$/), endedAt: expect.stringMatching(/Z$/),
    });
    expect(status!.nodes.map((n) => [n.uid, n.pod])).toContainEqual([newUid, 'rec-1']);
    expect(status!.nodes.map((n) => n.uid)).not.toContain(staleUid);
    expect(kubelet!.errors).toEqual([]);
  });

  it('a database without replication whose only shard is on the stale node blocks the replacement (NodeReplacement Blocked, nothing removed)', async () => {
    const t = Date.now();
    // The program gains a database without replication.
    await applyInWaves(client, runBySimulatedKubelet(synthProgram(ns, 3, [...DBS, { name: 'solo', replication: false }])), FIELD_MANAGER);
    await waitFor('database solo active', async () => cluster().bdbs.byName('solo')?.status === 'active', { timeoutMs: 60_000 });
    const holderUid = cluster().bdbs.byName('solo')!.shards[0].nodeUid;
    const holder = kubelet!.nodes().find((n) => n.double.nodeUid === holderUid)!;
    const mark = registry.requestLog.mark();
    await kubelet!.loseStorage(holder.pod);
    await waitFor(`a new node for ${holder.pod} and NodeReplacement Blocked`, async (observe) => {
      const op = (await readStatus(client, ns))?.operations?.find((o) => o.kind === 'NodeReplacement');
      const fresh = kubelet!.node(holder.pod)?.double.nodeUid;
      observe({ op, fresh, nodes: cluster().nodes().map((n) => `${n.uid}:${n.status}`) });
      return fresh !== undefined && fresh !== holderUid && op?.phase === 'Blocked' && op.target.startsWith(`pod ${holder.pod}: node ${holderUid} ->`);
    }, { timeoutMs: 120_000 });
    console.log(`day2-node-replacement e2e: blocked replacement reported in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const op = (await readStatus(client, ns))!.operations!.find((o) => o.kind === 'NodeReplacement')!;
    expect(op.message).toMatch(new RegExp(`database solo has no replication and shards only on the down node ${holderUid}`));
    expect(op.node).toBe(holder.pod);
    // Never silently dropped: the stale node stays listed with the shard; no removal was asked for.
    expect(cluster().node(holderUid)?.status).toBe('down');
    expect(cluster().bdbs.byName('solo')!.shards.map((s) => s.nodeUid)).toEqual([holderUid]);
    expect(registry.requestLog.mutations({ since: mark }).filter((e) => /\/actions\/remove$/.test(e.path))).toEqual([]);
    const events = await client.list('v1', 'Event', ns);
    expect(events.some((e: KubeObject) => e.reason === 'NodeReplacementBlocked')).toBe(true);
  });
});
