/**
 * `/prestop` (the node container's preStop hook) and leaving maintenance mode
 * after a restart: reconcilers in-process against the REST API double, the
 * hook called over HTTP on 127.0.0.1 as the kubelet would.
 */
import { boundPort } from '../../../lib/reconciler/runtime/http-server';
import { EndpointSlice, KubeEvent, Pod } from '../../../lib/reconciler/io/kube-types';
import { M } from '../../../lib/reconciler/runtime/metrics';
import { database, desiredState } from './support/desired';
import { Sim, SimNode } from './support/sim';

jest.setTimeout(60_000);

async function prestop(node: SimNode): Promise<{ status: number; text: string; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(`http://127.0.0.1:${boundPort(node.reconciler!.server!)}/prestop`);
  return { status: res.status, text: await res.text(), ms: Date.now() - t0 };
}

async function readyz(node: SimNode): Promise<number> {
  return (await fetch(`http://127.0.0.1:${boundPort(node.reconciler!.server!)}/readyz`)).status;
}

function shardsOn(sim: Sim, uid: number): number {
  return sim.nodes[0].double.cluster!.bdbs.list().flatMap((b) => b.shards).filter((s) => s.nodeUid === uid).length;
}

function placement(sim: Sim): string {
  return JSON.stringify(sim.nodes[0].double.cluster!.bdbs.list().map((b) => b.shards.map((s) => [s.uid, s.nodeUid, s.role])));
}

function events(sim: Sim, reason: string): KubeEvent[] {
  return sim.kube.all<KubeEvent>('events').filter((e) => e.reason === reason);
}

function nodeActionPosts(sim: Sim, action: string): number {
  return sim.registry.requestLog.entries({ method: 'POST', path: new RegExp(`/actions/${action}$`) }).length;
}

/** A converged 3-node cluster with two replicated databases; every reconciler serves HTTP. */
async function converged(options: { nodeActionMs?: number; prestopTimeoutMs?: number } = {}): Promise<Sim> {
  const sim = await Sim.create({
    state: desiredState('rec', 'redis', 3, [database('cache', 12000, { replication: true }), database('sessions', 12001, { replication: true })]),
    registry: { timing: { bootstrapMs: 20, actionMs: 20, crdbTaskMs: 20, nodeActionMs: options.nodeActionMs ?? 150 } },
    prestopTimeoutMs: options.prestopTimeoutMs,
  });
  for (const n of sim.nodes) await sim.startReconciler(n, true);
  await sim.until('converged', () => {
    const cluster = sim.nodes[0].double.cluster;
    return !!cluster && cluster.nodes().length === 3 && cluster.bdbs.list().filter((b) => b.status === 'active').length === 2
      && sim.kube.all('endpointslices').length === 4;
  });
  return sim;
}

describe('/prestop drains the node before it stops', () => {
  let sim: Sim;
  afterEach(async () => { await sim?.stop(); });

  it('turns maintenance mode on, answers when the shards have moved, is idempotent, and the node leaves maintenance after a restart', async () => {
    sim = await converged();
    const node = sim.nodes[2];
    const uid = node.double.nodeUid!;
    const before = placement(sim);
    expect(shardsOn(sim, uid)).toBeGreaterThan(0);

    // Two concurrent hook calls (a retried hook, or a second container's) share one drain.
    const [a, b] = await Promise.all([prestop(node), prestop(node)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.text).toMatch(new RegExp(`node ${uid} is in maintenance mode`));
    expect(nodeActionPosts(sim, 'maintenance_on')).toBe(1);
    // Answered only once the action completed (150 ms of action), with everything off the node.
    expect(a.ms).toBeGreaterThanOrEqual(100);
    const cluster = node.double.cluster!;
    expect(cluster.node(uid)!.maintenance).toBeDefined();
    expect(shardsOn(sim, uid)).toBe(0);
    expect(cluster.bdbs.list().every((bdb) => !bdb.endpointNodes.includes(uid))).toBe(true);
    expect(events(sim, 'NodeMaintenanceOn')).toHaveLength(1);
    expect(node.reconciler!.metrics.get(M.prestop, { outcome: 'drained' })).toBe(1);

    // Called again later: already in maintenance, answered at once, no second (stacking) maintenance_on.
    const again = await prestop(node);
    expect([again.status, again.text.trim()]).toEqual([200, `node ${uid} is already in maintenance mode`]);
    expect(nodeActionPosts(sim, 'maintenance_on')).toBe(1);

    // The leader moves the EndpointSlices off the drained pod at its next pass.
    sim.leaderNode()!.reconciler!.controller.trigger('test');
    await sim.until('slices avoid the drained pod', () =>
      sim.kube.all<EndpointSlice>('endpointslices').every((s) => s.endpoints.every((e) => e.addresses[0] !== node.podIp)));

    // The pod stops and comes back (same node, same storage): maintenance is still on in Redis Enterprise.
    await node.reconciler!.stop();
    await node.double.stop();
    await node.double.start();
    expect(node.double.cluster!.node(uid)!.maintenance).toBeDefined();
    const restarted = await sim.startReconciler(node, true);
    await sim.until('maintenance off after the restart', () => restarted.maintenance.settledAfterStart && node.double.cluster!.node(uid)!.maintenance === undefined);
    expect(nodeActionPosts(sim, 'maintenance_off')).toBe(1);
    expect(placement(sim)).toBe(before);
    expect(events(sim, 'NodeMaintenanceOff')).toHaveLength(1);
    expect(await readyz(node)).toBe(200);
  });

  it('leaves a terminating pod\'s node in maintenance, and keeps serving a drain that runs when the process stops', async () => {
    sim = await converged({ nodeActionMs: 600 });
    const node = sim.nodes[1];
    const uid = node.double.nodeUid!;
    // SIGTERM arrives while the drain runs: stop() waits for the hook's answer.
    const hook = prestop(node);
    await sim.until('drain running', () => node.reconciler!.maintenance.draining);
    await node.reconciler!.stop();
    expect((await hook).status).toBe(200);
    expect(node.double.cluster!.node(uid)!.maintenance).toBeDefined();

    // The sidecar restarts while the pod is terminating: its node must stay drained.
    const pod = sim.kube.get<Pod>('pods', node.podName)!;
    sim.kube.put('pods', { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date().toISOString() } } as never);
    const restarted = await sim.startReconciler(node, true);
    await sim.until('start-up check done', () => restarted.maintenance.settledAfterStart);
    expect(node.double.cluster!.node(uid)!.maintenance).toBeDefined();
    expect(nodeActionPosts(sim, 'maintenance_off')).toBe(0);
  });

  it('answers 200 with a Warning event when maintenance_on outlasts PRESTOP_TIMEOUT_SECONDS', async () => {
    sim = await converged({ nodeActionMs: 60_000, prestopTimeoutMs: 700 });
    const slow = await prestop(sim.nodes[1]);
    expect(slow.status).toBe(200);
    expect(slow.text).toMatch(/not finished within 1 s \(PRESTOP_TIMEOUT_SECONDS\)/);
    expect(slow.ms).toBeGreaterThanOrEqual(650);
    expect(slow.ms).toBeLessThan(5000);
    expect(events(sim, 'PreStopDrainTimeout')).toHaveLength(1);
    expect(sim.nodes[1].reconciler!.metrics.get(M.prestop, { outcome: 'timeout' })).toBe(1);
  });

  it('reports an action that ends failed', async () => {
    sim = await converged({ nodeActionMs: 100 });
    sim.nodes[0].double.cluster!.nodeActions.failNext(1, 'maintenance_on');
    const r = await prestop(sim.nodes[2]);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/maintenance_on failed \(internal_error: injected node action failure/);
    const warnings = events(sim, 'PreStopDrainFailed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].type).toBe('Warning');
    expect(warnings[0].involvedObject).toMatchObject({ kind: 'Pod', name: sim.nodes[2].podName });
  });
});

describe('/prestop is a no-op without a cluster to move shards to', () => {
  let sim: Sim;
  afterEach(async () => { await sim?.stop(); });

  it('on the only node of a cluster', async () => {
    sim = await Sim.create({ state: desiredState('rec', 'redis', 1, [database('cache', 12000)]) });
    const r = await sim.startReconciler(sim.nodes[0], true);
    await sim.until('bootstrapped', () => r.controller.state.nodeBootstrapped);
    const res = await prestop(sim.nodes[0]);
    expect([res.status, res.text.trim()]).toEqual([200, 'node 1 is the only node: there is nowhere to move its shards']);
    expect(nodeActionPosts(sim, 'maintenance_on')).toBe(0);
    expect(r.metrics.get(M.prestop, { outcome: 'skipped' })).toBe(1);
  });

  it('on a node that is not in a cluster yet', async () => {
    sim = await Sim.create({ state: desiredState('rec', 'redis', 3, []) });
    // Only the third pod runs: it waits for the first to create the cluster.
    const r = await sim.startReconciler(sim.nodes[2], true);
    await sim.until('credentials read', () => r.controller.state.desiredStateLoaded && r.controller.state.passes > 0);
    const res = await prestop(sim.nodes[2]);
    expect([res.status, res.text.trim()]).toEqual([200, 'this node is not in a cluster: nothing to move']);
    expect(sim.registry.requestLog.entries({ method: 'POST', path: /actions/ })).toHaveLength(0);
  });
});
