/**
 * The REST API test double's model of a Redis Enterprise node whose pod
 * restarts on its persistent storage: same node (uid, shards, maintenance
 * state) at the new pod's IP (`rebind`), with the new image's software
 * (`upgradeSoftware`); and a stopped node's address given to another pod.
 */
import { ApiDoubleClusterRegistry, RedisEnterpriseApiDouble } from '../support/redis-enterprise-api-double';
import { MIB, call, formCluster, joinBody, running, startNode } from './support/api-double-http';

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.dispose()));
});

describe('a node that comes back on its storage at another address', () => {
  test('keeps its uid, shards and maintenance state; answers at the new address; the others find it there', async () => {
    const { nodes, clock, cluster } = await formCluster(3);
    const api = nodes[0].api;
    expect((await call(api, 'POST', '/v1/bdbs', { body: { name: 'a', memory_size: 100 * MIB, replication: true } })).status).toBe(200);
    clock.advance(60);
    const moving = nodes[1];
    const uid = moving.double.nodeUid!;
    const oldAddr = moving.double.addr;
    expect((await call(api, 'POST', `/v1/nodes/${uid}/actions/maintenance_on`, { body: {} })).status).toBe(200);
    clock.advance(150);
    const shards = (await call(api, 'GET', `/v1/nodes/${uid}`)).body.shard_list;

    await moving.double.stop();
    moving.double.rebind('10.9.0.7');
    const again = await moving.double.start();
    expect(again.port).toBe(moving.api.port);

    expect(moving.double.addr).toBe('10.9.0.7');
    expect(moving.double.nodeUid).toBe(uid);
    const local = (await call(again, 'GET', '/v1/bootstrap')).body;
    expect(local.bootstrap_status.state).toBe('completed');
    expect(local.local_node_info).toMatchObject({ uid: String(uid), available_addresses: [expect.objectContaining({ address: '10.9.0.7' })] });
    const node = (await call(api, 'GET', `/v1/nodes/${uid}`)).body;
    expect(node).toMatchObject({ uid, addr: '10.9.0.7', status: 'active', shard_list: shards, accept_servers: false });
    expect(cluster.nodeByAddr(oldAddr)).toBeUndefined();
    expect(cluster.node(uid)!.maintenance).toBeDefined();
    // A new node joins through the moved node's new address, not its old one.
    const joiner = await startNode(nodes[0].double.registry);
    expect((await call(joiner.api, 'POST', '/v1/bootstrap/join_cluster', { auth: null, body: joinBody([oldAddr, '10.9.0.7']) })).status).toBe(200);
    clock.advance(100);
    expect(joiner.double.bootstrapState).toBe('completed');
    expect(cluster.nodes()).toHaveLength(4);
  });

  test('changes address and software only while down', async () => {
    const { nodes, cluster } = await formCluster(3);
    const node = nodes[2].double;
    expect(() => node.rebind('10.9.0.8')).toThrow(/running: stop it/);
    expect(() => node.upgradeSoftware('8.2.0-46')).toThrow(/running: stop it/);
    await node.stop();
    // Another member's address is taken.
    expect(() => node.rebind(nodes[0].double.addr)).toThrow(/already exists/);
    expect(node.addr).not.toBe(nodes[0].double.addr);
    node.upgradeSoftware('8.2.0-46');
    await node.start();
    expect(node.softwareVersion).toBe('8.2.0-46');
    const uid = node.nodeUid!;
    expect((await call(nodes[0].api, 'GET', `/v1/nodes/${uid}`)).body.software_version).toBe('8.2.0-46');
    expect((await call(nodes[0].api, 'GET', '/v1/nodes/status')).body[String(uid)].software_version).toBe('8.2.0-46');
    expect(cluster.nodes().filter((n) => n.softwareVersion === '8.2.0-46').map((n) => n.uid)).toEqual([uid]);
  });

  test('a stopped node\'s address can go to a new instance (a pod IP reused); a running one\'s cannot', async () => {
    const registry = new ApiDoubleClusterRegistry();
    const first = await startNode(registry, { addr: '10.9.0.9' });
    expect(() => new RedisEnterpriseApiDouble({ registry, addr: '10.9.0.9' })).toThrow(/already exists/);
    await first.double.stop();
    const second = await startNode(registry, { addr: '10.9.0.9' });
    expect(second.double.addr).toBe('10.9.0.9');
    // The stopped one can come back only elsewhere.
    await expect(first.double.start()).rejects.toThrow(/already exists/);
    first.double.rebind('10.9.0.10');
    await first.double.start();
    expect(first.double.running).toBe(true);
    expect(() => first.double.rebind('10.9.0.11')).toThrow(/running/);
  });
});
