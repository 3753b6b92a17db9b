/**
 * `/prestop` (the node container's preStop hook) and leaving maintenance mode
 * after a restart: reconcilers in-process on the real API server with REST
 * API doubles, the hook called over HTTP on 127.0.0.1 as the kubelet would.
 */
import { boundPort } from '../../../lib/reconciler/runtime/http-server';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { synthesize } from '../../unit/reconciler/support/desired';
import { describeE2E } from '../harness/describe-e2e';
import { FleetNode, InProcessFleet } from './support/fleet';

const HOLD = 'in-process-test/hold';

async function prestop(node: FleetNode): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${boundPort(node.reconciler!.server!)}/prestop`);
  return { status: res.status, text: await res.text() };
}

async function readyz(node: FleetNode): Promise<number> {
  return (await fetch(`http://127.0.0.1:${boundPort(node.reconciler!.server!)}/readyz`)).status;
}

function shardsOn(fleet: InProcessFleet, uid: number): number {
  return fleet.registry.clusters()[0].bdbs.list().flatMap((b) => b.shards).filter((s) => s.nodeUid === uid).length;
}

function placement(fleet: InProcessFleet): string {
  return JSON.stringify(fleet.registry.clusters()[0].bdbs.list().map((b) => b.shards.map((s) => [s.uid, s.nodeUid, s.role])));
}

function nodeActionPosts(fleet: InProcessFleet, action: string): number {
  return fleet.registry.requestLog.entries({ method: 'POST', path: new RegExp(`/actions/${action}$`) }).length;
}

describeE2E('/prestop drains the node before it stops (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterEach(async () => { await fleet?.stop(); });

  /** A converged 3-node cluster with two replicated databases; every reconciler serves HTTP. */
  async function converged(options: { nodeActionMs?: number; prestopTimeoutMs?: number } = {}): Promise<InProcessFleet> {
    const f = await InProcessFleet.create(client, info, 'rip-prestop', {
      fixture: (namespace) => synthesize({ namespace, databases: [{ name: 'cache', port: 12000, replication: true }, { name: 'sessions', port: 12001, replication: true }] }),
      registry: { timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20, nodeActionMs: options.nodeActionMs ?? 150 } },
      prestopTimeoutMs: options.prestopTimeoutMs,
    });
    fleet = f;
    await f.startAll(true);
    await f.until('converged', async () => {
      const cluster = f.registry.clusters()[0];
      return !!cluster && cluster.nodes().length === 3 && cluster.bdbs.list().filter((b) => b.status === 'active').length === 2
        && (await f.slices()).length === 4;
    });
    return f;
  }

  it('turns maintenance mode on, answers when the shards have moved, is idempotent, and the node leaves maintenance after a restart', async () => {
    await converged();
    // Four shards on three nodes: which node holds none depends on the join order, so drain one that holds some.
    const node = [...fleet.nodes].reverse().find((n) => shardsOn(fleet, n.double.nodeUid!) > 0);
    if (!node) throw new Error('no node holds a shard after convergence');
    const uid = node.double.nodeUid!;
    const before = placement(fleet);
    expect(shardsOn(fleet, uid)).toBeGreaterThan(0);

    // Two concurrent hook calls (a retried hook, or a second container's) share one drain.
    const [a, b] = await Promise.all([prestop(node), prestop(node)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.text).toMatch(new RegExp(`node ${uid} is in maintenance mode`));
    expect(nodeActionPosts(fleet, 'maintenance_on')).toBe(1);
    // Answered only once the action completed: everything is off the node.
    const cluster = node.double.cluster!;
    expect(cluster.node(uid)!.maintenance).toBeDefined();
    expect(shardsOn(fleet, uid)).toBe(0);
    expect(cluster.bdbs.list().every((bdb) => !bdb.endpointNodes.includes(uid))).toBe(true);
    expect(await fleet.events('NodeMaintenanceOn')).toHaveLength(1);
    expect(node.reconciler!.metrics.get(M.prestop, { outcome: 'drained' })).toBe(1);

    // Called again later: already in maintenance, answered at once, no second (stacking) maintenance_on.
    const again = await prestop(node);
    expect([again.status, again.text.trim()]).toEqual([200, `node ${uid} is already in maintenance mode`]);
    expect(nodeActionPosts(fleet, 'maintenance_on')).toBe(1);

    // The leader moves the EndpointSlices off the drained pod at its next pass.
    fleet.leaderNode()!.reconciler!.controller.trigger('test');
    await fleet.until('slices avoid the drained pod', async () =>
      (await fleet.slices()).every((s) => s.endpoints.every((e: any) => e.addresses[0] !== node.podIp)));

    // The pod stops and comes back (same node, same storage): maintenance is still on in Redis Enterprise.
    await node.reconciler!.stop();
    await node.double.stop();
    await node.double.start();
    expect(node.double.cluster!.node(uid)!.maintenance).toBeDefined();
    const restarted = await fleet.startReconciler(node, true);
    await fleet.until('maintenance off after the restart', async () => restarted.maintenance.settledAfterStart && node.double.cluster!.node(uid)!.maintenance === undefined);
    expect(nodeActionPosts(fleet, 'maintenance_off')).toBe(1);
    expect(placement(fleet)).toBe(before);
    expect(await fleet.events('NodeMaintenanceOff')).toHaveLength(1);
    expect(await readyz(node)).toBe(200);
  });

  it('leaves a terminating pod\'s node in maintenance, and keeps serving a drain that runs when the process stops', async () => {
    await converged({ nodeActionMs: 600 });
    const node = fleet.nodes[1];
    const uid = node.double.nodeUid!;
    // SIGTERM arrives while the drain runs: stop() waits for the hook's answer.
    const hook = prestop(node);
    await fleet.until('drain running', async () => node.reconciler!.maintenance.draining);
    await node.reconciler!.stop();
    expect((await hook).status).toBe(200);
    expect(node.double.cluster!.node(uid)!.maintenance).toBeDefined();

    // The sidecar restarts while the pod is terminating (a finalizer holds it): its node must stay drained.
    const podRef = fleet.ref('v1', 'Pod', node.podName);
    await client.patch(podRef, { metadata: { finalizers: [HOLD] } });
    await client.delete(podRef);
    await fleet.until('pod terminating', async () => !!(await fleet.get('Pod', node.podName))?.metadata.deletionTimestamp);
    try {
      const restarted = await fleet.startReconciler(node, true);
      await fleet.until('start-up check done', async () => restarted.maintenance.settledAfterStart);
      expect(node.double.cluster!.node(uid)!.maintenance).toBeDefined();
      expect(nodeActionPosts(fleet, 'maintenance_off')).toBe(0);
    } finally {
      await client.patch(podRef, { metadata: { finalizers: null } });
    }
  });

  it('answers 200 with a Warning event when maintenance_on outlasts PRESTOP_TIMEOUT_SECONDS', async () => {
    await converged({ nodeActionMs: 60_000, prestopTimeoutMs: 700 });
    const slow = await prestop(fleet.nodes[1]);
    expect(slow.status).toBe(200);
    expect(slow.text).toMatch(/not finished within 1 s \(PRESTOP_TIMEOUT_SECONDS\)/);
    // Still running in Redis Enterprise when the hook answered: the bound, not the action, ended the wait.
    expect(fleet.registry.clusters()[0].nodeActions.isPending(fleet.nodes[1].double.nodeUid!)).toBe(true);
    expect(await fleet.events('PreStopDrainTimeout')).toHaveLength(1);
    expect(fleet.nodes[1].reconciler!.metrics.get(M.prestop, { outcome: 'timeout' })).toBe(1);
  });

  it('reports an action that ends failed', async () => {
    await converged({ nodeActionMs: 100 });
    fleet.registry.clusters()[0].nodeActions.failNext(1, 'maintenance_on');
    const r = await prestop(fleet.nodes[2]);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/maintenance_on failed \(internal_error: injected node action failure/);
    const warnings = await fleet.events('PreStopDrainFailed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].type).toBe('Warning');
    expect(warnings[0].involvedObject).toMatchObject({ kind: 'Pod', name: fleet.nodes[2].podName });
  });
});

describeE2E('/prestop is a no-op without a cluster to move shards to (in-process)', ({ client, info }) => {
  let fleet: InProcessFleet;
  afterEach(async () => { await fleet?.stop(); });

  it('on the only node of a cluster (the other pods\' reconcilers never start)', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-prestop-one', { fixture: (namespace) => synthesize({ namespace, databases: [{ name: 'cache', port: 12000 }] }) });
    const r = await fleet.startReconciler(fleet.nodes[0], true);
    await fleet.until('bootstrapped', async () => r.controller.state.nodeBootstrapped);
    const res = await prestop(fleet.nodes[0]);
    expect([res.status, res.text.trim()]).toEqual([200, 'node 1 is the only node: there is nowhere to move its shards']);
    expect(nodeActionPosts(fleet, 'maintenance_on')).toBe(0);
    expect(r.metrics.get(M.prestop, { outcome: 'skipped' })).toBe(1);
  });

  it('on a node that is not in a cluster yet', async () => {
    fleet = await InProcessFleet.create(client, info, 'rip-prestop-none', { fixture: (namespace) => synthesize({ namespace }) });
    // Only the third pod runs: it waits for the first to create the cluster.
    const r = await fleet.startReconciler(fleet.nodes[2], true);
    await fleet.until('desired state read', async () => r.controller.state.desiredStateLoaded && r.controller.state.passes > 0);
    const res = await prestop(fleet.nodes[2]);
    expect([res.status, res.text.trim()]).toEqual([200, 'this node is not in a cluster: nothing to move']);
    expect(fleet.registry.requestLog.entries({ method: 'POST', path: /actions/ })).toHaveLength(0);
  });
});
