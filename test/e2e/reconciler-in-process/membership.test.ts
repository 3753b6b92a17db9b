/**
 * Cluster membership with reconcilers in-process on the real API server (one
 * REST double per pod; the test plays the kubelet): a leaving pod's
 * `/prestop` removes its node on scale-in (ordinal >= the declared nodes),
 * keeps the maintenance drain on a restart, and the leader removes a node
 * whose pod is gone without its preStop (the backstop), reporting ScaleIn.
 */
import { boundPort } from '../../../lib/reconciler/runtime/http-server';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { FixtureDatabase, synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { FleetNode, InProcessFleet } from './support/fleet';

const DBS: FixtureDatabase[] = [{ name: 'cache', port: 12000, replication: true }, { name: 'sessions', port: 12001, replication: true }];

async function prestop(node: FleetNode): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${boundPort(node.reconciler!.server!)}/prestop`);
  return { status: res.status, text: await res.text() };
}

describeE2E('cluster membership: scale-in removal through /prestop and the leader (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterEach(async () => { await fleet?.stop(); });

  /** The pod is gone as the kubelet leaves it: sidecar stopped, node down, pod deleted. */
  async function podGone(node: FleetNode): Promise<void> {
    await node.reconciler!.stop();
    await node.double.stop();
    await client.delete(fleet.ref('v1', 'Pod', node.podName));
    await fleet.until(`${node.podName} deleted`, async () => (await fleet.get('Pod', node.podName)) === undefined);
  }

  it('5 -> 3: rec-4\'s preStop removes its node; rec-3, gone without preStop, is removed by the leader; ScaleIn Succeeded', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-membership', {
      fixture: (namespace) => synthesize({ namespace, nodes: 5, databases: DBS }),
      registry: { timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20, nodeActionMs: 150 } },
      resyncSeconds: 2,
    });
    // rec-0 first, so it holds the Lease: the leader must outlive the test's stops of rec-3 and rec-4.
    await fleet.startReconciler(fleet.nodes[0], true);
    await fleet.until('rec-0 leads', async () => fleet.nodes[0].reconciler!.leader.isLeader);
    for (const n of fleet.nodes.slice(1)) await fleet.startReconciler(n, true);
    const cluster = () => fleet.registry.clusters()[0];
    await fleet.until('5 nodes, 2 databases', async () =>
      cluster()?.nodes().length === 5 && cluster().bdbs.list().filter((b) => b.status === 'active').length === 2);
    const [rec3, rec4] = [fleet.nodes[3], fleet.nodes[4]];
    const [uid3, uid4] = [rec3.double.nodeUid!, rec4.double.nodeUid!];

    // A restart (ordinal 3 < 5 declared): the drain is maintenance mode, as before.
    const restart = await prestop(rec3);
    expect(restart.text).toMatch(new RegExp(`node ${uid3} is in maintenance mode`));
    // Leave maintenance again (its sidecar restarts) before the scale-in.
    await rec3.reconciler!.stop();
    await fleet.startReconciler(rec3, true);
    await fleet.until('rec-3 out of maintenance', async () => rec3.reconciler!.maintenance.settledAfterStart && cluster().node(uid3)!.maintenance === undefined);

    const mark = fleet.registry.requestLog.mark();
    await fleet.applyDesired(synthesize({ namespace: fleet.ns, nodes: 3, databases: DBS }));
    // The ScaleIn target names the member count the leader saw first: wait until it saw the change
    // (as the sync waves apply the desired state before the StatefulSet shrinks).
    await fleet.until('ScaleIn nodes 5 -> 3 reported', async () => (await fleet.status())?.operations?.find((o: any) => o.kind === 'ScaleIn')?.target === 'nodes 5 -> 3');
    // The StatefulSet would now delete rec-4: the kubelet calls its preStop.
    const hook = await prestop(rec4);
    expect(hook.status).toBe(200);
    expect(hook.text).toMatch(new RegExp(`node ${uid4} was removed from the cluster \\(scale-in: ordinal 4 is at or above the 3 declared nodes\\)`));
    expect(cluster().node(uid4)).toBeUndefined();
    expect(rec4.reconciler!.metrics.get(M.prestop, { outcome: 'removed' })).toBe(1);
    for (const b of cluster().bdbs.list()) expect(b.shards.map((s) => s.nodeUid)).not.toContain(uid4);
    await podGone(rec4);

    // rec-3 is killed (no preStop): its node is down and still listed, until the leader removes it.
    await podGone(rec3);
    await fleet.until('rec-3\'s node removed by the leader', async () => cluster().node(uid3) === undefined);
    await fleet.until('ScaleIn Succeeded', async () => (await fleet.status())?.operations?.find((o: any) => o.kind === 'ScaleIn')?.phase === 'Succeeded');

    const removes = fleet.registry.requestLog.mutations({ since: mark }).filter((e) => /\/actions\/remove$/.test(e.path));
    expect(removes.map((e) => [e.node, e.path, e.status])).toEqual([
      [rec4.podIp, `/v1/nodes/${uid4}/actions/remove`, 200],
      [fleet.leaderNode()!.podIp, `/v1/nodes/${uid3}/actions/remove`, 200],
    ]);
    const status = await fleet.status();
    expect(status.operations.find((o: any) => o.kind === 'ScaleIn')).toMatchObject({ phase: 'Succeeded', target: 'nodes 5 -> 3', endedAt: expect.any(String) });
    expect(status.nodes.map((n: any) => n.pod).sort()).toEqual(['rec-0', 'rec-1', 'rec-2']);
    // Sorted by name: the two databases are created concurrently, so their uids (the list's order) may come either way.
    expect(cluster().bdbs.list().map((b) => [String(b.config.name), b.status, b.shards.length]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([['cache', 'active', 2], ['sessions', 'active', 2]]);
    expect((await fleet.events('NodeRemoved')).map((e) => e.involvedObject.name)).toEqual(['rec-4']);
    expect((await fleet.events('ScaleInRunning')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a scale-in removal that would leave fewer than a majority of the remaining nodes active, and reports it (Event NodeRemovalRefused)', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-membership-refused', {
      fixture: (namespace) => synthesize({ namespace, nodes: 3, databases: [DBS[0]] }),
      registry: { timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20, nodeActionMs: 150 } },
      resyncSeconds: 2,
    });
    // rec-0 first, so it holds the Lease: the leader must keep running the cluster duties.
    await fleet.startReconciler(fleet.nodes[0], true);
    await fleet.until('rec-0 leads', async () => fleet.nodes[0].reconciler!.leader.isLeader);
    for (const n of fleet.nodes.slice(1)) await fleet.startReconciler(n, true);
    const cluster = () => fleet.registry.clusters()[0];
    await fleet.until('3 nodes, the database', async () => cluster()?.nodes().length === 3 && cluster().bdbs.list()[0]?.status === 'active');
    const [, gone, rec2] = fleet.nodes;
    // A hand-edited desired state (REC001 refuses it in code): 2 nodes declared, so rec-2 is leaving.
    const edited = synthesize({ namespace: fleet.ns, nodes: 3, databases: [DBS[0]] });
    edited.state = { ...edited.state, cluster: { ...edited.state.cluster, nodes: 2 } };
    edited.configMap.data['desired-state.json'] = JSON.stringify(edited.state, null, 2);
    await fleet.applyDesired(edited);
    // rec-1 (not leaving) is down: removing rec-2's node would leave 1 of 2 active.
    await podGone(gone);
    const uid2 = rec2.double.nodeUid!;
    const hook = await prestop(rec2);
    expect(hook.status).toBe(200);
    // Not removed: maintenance would also lose the quorum (1 of 3 active), so it fails; the node stays a member.
    expect(cluster().node(uid2)).toBeDefined();
    const refused = await fleet.events('NodeRemovalRefused');
    expect(refused.map((e) => e.message)).toEqual([expect.stringMatching(new RegExp(`node ${uid2} is not removed .*: removing node ${uid2} would leave 1 of 2 nodes active`))]);
    expect(fleet.registry.requestLog.mutations().filter((e) => /\/actions\/remove$/.test(e.path))).toEqual([]);
  });
});
