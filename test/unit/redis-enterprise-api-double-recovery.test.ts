/**
 * The REST API double's cluster recovery (README "Cluster recovery"): nodes
 * that come back with their persistent volume are fresh, `recover_cluster`
 * rebuilds the cluster from the configuration file on one of them, the other
 * nodes rejoin replacing their former uids (`repair_required` otherwise), and
 * the databases come back in `recovery` until `POST .../actions/recover`.
 */
import { RedisEnterpriseApiDouble } from '../support/redis-enterprise-api-double';
import { ADMIN, MIB, Node, call, formCluster, joinBody, running } from './support/api-double-http';

const FQDN = 'rec.ns.svc.cluster.local';
const FILE = '/var/opt/redislabs/persist/ccs/ccs-redis.rdb';

function recoverBody(extra: Record<string, unknown> = {}, identity: Record<string, unknown> = {}) {
  return { action: 'recover_cluster', recovery_filename: FILE, cluster: { name: FQDN }, node: { identity }, credentials: ADMIN, ...extra };
}

/** The pod of `node` comes back with the same claim: a fresh instance at a new address holding the old volume. */
async function comeBack(node: Node): Promise<Node> {
  await node.double.dispose();
  const double = new RedisEnterpriseApiDouble({ registry: node.double.registry, volume: node.double.volume });
  running.push(double);
  return { double, api: await double.start() };
}

describe('REST API double: cluster recovery', () => {
  afterEach(async () => {
    for (const d of running.splice(0)) await d.dispose();
  });

  test('recover_cluster on a node that came back, rejoin with identity.uid, databases recovered with their uids', async () => {
    const { nodes, clock, cluster } = await formCluster(3);
    expect((await call(nodes[0].api, 'POST', '/v1/bdbs', { body: { name: 'cache', memory_size: MIB, replication: true, port: 12000 } })).status).toBe(200);
    clock.advance(60);
    const before = cluster.bdbs.byName('cache')!;

    // Two of three pods are gone: the survivor's cluster has no quorum, and refuses joins.
    await nodes[1].double.stop();
    await nodes[2].double.stop();
    const back1 = await comeBack(nodes[1]);
    const back2 = await comeBack(nodes[2]);
    expect(back1.double.bootstrapState).toBe('idle');
    expect(back1.double.volume.recoveryFilename).toBe(FILE);
    expect((await call(back1.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([nodes[0].double.addr], { addr: back1.double.addr }) })).status).toBe(200);
    clock.advance(100);
    const refused = (await call(back1.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status;
    expect([refused.state, refused.error_code]).toEqual(['error', 'connect_error']);

    // Recovering while the survivor still runs the cluster would split it: refused loudly.
    expect((await call(back1.api, 'POST', '/v1/bootstrap/recover_cluster', { auth: null, body: recoverBody({}, { addr: back1.double.addr, uid: 2 }) })).status).toBe(200);
    clock.advance(100);
    expect((await call(back1.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status.error_code).toBe('cluster_still_running');

    // The survivor's pod restarts too: every node is fresh.
    const back0 = await comeBack(nodes[0]);
    const wrongFile = await call(back0.api, 'POST', '/v1/bootstrap/recover_cluster', { auth: null, body: { ...recoverBody({}, { addr: back0.double.addr }), recovery_filename: '/elsewhere/ccs-redis.rdb' } });
    expect(wrongFile.status).toBe(200);
    clock.advance(100);
    expect((await call(back0.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status.error_code).toBe('path_error');

    expect((await call(back0.api, 'POST', '/v1/bootstrap/recover_cluster', { auth: null, body: recoverBody({}, { addr: back0.double.addr }) })).status).toBe(200);
    expect((await call(back0.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status.state).toBe('recovering_cluster');
    clock.advance(100);
    expect(back0.double.bootstrapState).toBe('completed');
    expect(back0.double.nodeUid).toBe(1);
    const nodesNow = (await call(back0.api, 'GET', '/v1/nodes')).body;
    expect(nodesNow.map((n: any) => [n.uid, n.status])).toEqual([[1, 'active'], [2, 'down'], [3, 'down']]);
    // The recovered cluster answers (the nodes awaiting replacement do not count for its quorum); its database awaits recovery.
    const waiting = (await call(back0.api, 'GET', '/v1/bdbs/1')).body;
    expect([waiting.uid, waiting.name, waiting.status, waiting.endpoints[0].addr]).toEqual([before.uid, 'cache', 'recovery', []]);
    expect((await call(back0.api, 'GET', '/v1/bdbs/1/actions/recover')).body.status).toBe('ready');
    const early = await call(back0.api, 'POST', '/v1/bdbs/1/actions/recover');
    expect([early.status, early.body.error_code]).toEqual([409, 'nodes_missing']);

    // A join without identity.uid: documented repair_required with the failed nodes and a candidate.
    expect((await call(back1.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([back0.double.addr], { addr: back1.double.addr }) })).status).toBe(200);
    clock.advance(100);
    const repair = (await call(back1.api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status;
    expect(repair.error_code).toBe('repair_required');
    expect(repair.error_details).toMatchObject({ failed_nodes: [{ uid: 2 }, { uid: 3 }], replace_candidate: 2 });
    for (const [n, uid] of [[back1, 2], [back2, 3]] as const) {
      expect((await call(n.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([back0.double.addr], { addr: n.double.addr, uid }) })).status).toBe(200);
    }
    clock.advance(100);
    expect([back1.double.nodeUid, back2.double.nodeUid]).toEqual([2, 3]);
    expect((await call(back0.api, 'GET', '/v1/nodes')).body.map((n: any) => [n.uid, n.addr, n.status])).toEqual([
      [1, back0.double.addr, 'active'], [2, back1.double.addr, 'active'], [3, back2.double.addr, 'active'],
    ]);

    const started = await call(back0.api, 'POST', '/v1/bdbs/1/actions/recover');
    expect(started.status).toBe(200);
    expect(typeof started.body.action_uid).toBe('string');
    expect((await call(back0.api, 'POST', '/v1/bdbs/1/actions/recover')).status).toBe(409);
    clock.advance(60);
    const recovered = (await call(back0.api, 'GET', '/v1/bdbs/1')).body;
    expect([recovered.uid, recovered.status, recovered.port]).toEqual([before.uid, 'active', 12000]);
    expect(recovered.endpoints[0].addr.length).toBe(1);
    expect([back0.double.addr, back1.double.addr, back2.double.addr]).toContain(recovered.endpoints[0].addr[0]);
    const again = await call(back0.api, 'POST', '/v1/bdbs/1/actions/recover');
    expect([again.status, again.body.error_code]).toEqual([409, 'not_in_recovery']);
  });

  test('a node that never was in a cluster has no recovery file (path_error)', async () => {
    const { nodes, clock } = await formCluster(1);
    const fresh = new RedisEnterpriseApiDouble({ registry: nodes[0].double.registry });
    running.push(fresh);
    const api = await fresh.start();
    expect(fresh.volume.recoveryFilename).toBeUndefined();
    expect((await call(api, 'POST', '/v1/bootstrap/recover_cluster', { auth: null, body: recoverBody({}, { addr: fresh.addr }) })).status).toBe(200);
    clock.advance(100);
    expect((await call(api, 'GET', '/v1/bootstrap', { auth: null })).body.bootstrap_status.error_code).toBe('path_error');
  });
});
